package io.cta.api.scenario;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.cta.activities.notification.NotificationType;
import io.cta.server.definition.Notification;
import io.cta.server.definition.WebhookUrls;
import java.util.List;

/**
 * A notification as the API shows it: only its type's fields, and never a webhook's secret.
 *
 * @param url webhook: where it posts; {@link WebhookUrls#redact redacted} for those who may not
 *     edit the scenario (viewers), in full for operators and admins, who send it back on {@code
 *     PUT}
 * @param secretSet webhook: whether it has a secret (its requests are signed)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NotificationView(
    NotificationType type,
    String url,
    Boolean secretSet,
    List<String> to,
    String scenarioId,
    Notification.On on) {

  static NotificationView of(Notification n, boolean fullUrl) {
    return new NotificationView(
        n.type(),
        fullUrl ? n.url() : WebhookUrls.redact(n.url()),
        n.type() == NotificationType.webhook ? n.secret() != null : null,
        n.to(),
        n.scenarioId(),
        n.on());
  }
}
