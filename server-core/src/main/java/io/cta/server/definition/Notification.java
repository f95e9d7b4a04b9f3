package io.cta.server.definition;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.cta.activities.notification.NotificationType;
import java.util.List;

/**
 * One notification of a scenario (docs/notifications.md); only the fields of its type are set.
 *
 * @param url webhook: where the signed JSON summary is posted
 * @param secret webhook: the HMAC-SHA256 key, or null to send unsigned. Write-only: no view, log or
 *     workflow history ever holds it
 * @param to email: the recipients
 * @param scenarioId chain: the scenario to run
 * @param on when it fires
 */
public record Notification(
    NotificationType type, String url, String secret, List<String> to, String scenarioId, On on) {

  /** When a notification fires, once its execution is complete. */
  public enum On {
    /** Whenever the execution completes, whatever its state and result. */
    @JsonProperty("finish")
    finish,
    /** Unless the execution finished with the overall result ok. */
    @JsonProperty("not-ok")
    notOk,
    /** When its state or result differs from the scenario's previous complete execution. */
    @JsonProperty("state-change")
    stateChange
  }

  @Override
  public String toString() {
    return "Notification[type=%s, url=%s, secret=%s, to=%s, scenarioId=%s, on=%s]"
        .formatted(type, url, secret == null ? null : "(set)", to, scenarioId, on);
  }
}
