package io.cta.api.scenario;

import io.cta.activities.notification.NotificationType;
import io.cta.server.definition.Notification;
import java.util.List;

/**
 * One notification of a scenario (docs/notifications.md): {@code {"type": "webhook", "url",
 * "secret", "on"}}, {@code {"type": "email", "to": [], "on"}} or {@code {"type": "chain",
 * "scenarioId", "on"}}.
 *
 * @param secret webhook: the HMAC-SHA256 key (at most 500 characters), write-only. On {@code PUT},
 *     leaving it out keeps the secret stored for a webhook with the same URL; {@code ""} removes it
 * @param on {@code finish} (default), {@code not-ok} or {@code state-change}
 */
public record NotificationRequest(
    NotificationType type,
    String url,
    String secret,
    List<String> to,
    String scenarioId,
    Notification.On on) {

  @Override
  public String toString() {
    return "NotificationRequest[type=%s, url=%s, secret=%s, to=%s, scenarioId=%s, on=%s]"
        .formatted(type, url, secret == null ? null : "(set)", to, scenarioId, on);
  }
}
