package io.cta.api.scenario;

import io.cta.activities.notification.NotificationType;
import io.cta.server.definition.Notification;
import io.cta.server.definition.WebhookUrls;
import io.cta.server.error.InvalidInputException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks a scenario's notifications and turns them into documents. Errors name the field, e.g.
 * {@code notifications[1].url}, and never quote a secret.
 */
final class Notifications {

  static final int MAX_NOTIFICATIONS = 10;
  static final int MAX_RECIPIENTS = 50;
  static final int MAX_SECRET = 500;
  private static final Pattern EMAIL = Pattern.compile("[^@\\s<>,;\"]+@[^@\\s<>,;\"]+");

  private Notifications() {}

  /**
   * The documents to store; a webhook sent without a secret keeps the one {@code stored} has for
   * the same URL (the secret is write-only, so a client that read the scenario never has it).
   */
  static List<Notification> documents(
      List<NotificationRequest> requested, List<Notification> stored) {
    if (requested == null) {
      return List.of();
    }
    if (requested.size() > MAX_NOTIFICATIONS) {
      throw new InvalidInputException("notifications: at most " + MAX_NOTIFICATIONS);
    }
    List<Notification> documents = new ArrayList<>();
    for (int i = 0; i < requested.size(); i++) {
      documents.add(document("notifications[" + i + "].", requested.get(i), stored));
    }
    return documents;
  }

  private static Notification document(
      String field, NotificationRequest request, List<Notification> stored) {
    if (request == null || request.type() == null) {
      throw new InvalidInputException(field + "type: must be webhook, email or chain");
    }
    Notification.On on = request.on() == null ? Notification.On.finish : request.on();
    return switch (request.type()) {
      case webhook -> {
        String url = url(field + "url", request.url());
        if (request.secret() != null && request.secret().length() > MAX_SECRET) {
          throw new InvalidInputException(field + "secret: at most " + MAX_SECRET + " characters");
        }
        String secret =
            request.secret() != null
                ? request.secret()
                : stored == null
                    ? null
                    : stored.stream()
                        .filter(
                            n ->
                                n.type() == NotificationType.webhook
                                    && url.equals(n.url())
                                    && n.secret() != null)
                        .map(Notification::secret)
                        .findFirst()
                        .orElse(null);
        yield new Notification(
            NotificationType.webhook,
            url,
            secret == null || secret.isEmpty() ? null : secret,
            null,
            null,
            on);
      }
      case email -> {
        List<String> to = request.to();
        if (to == null || to.isEmpty() || to.size() > MAX_RECIPIENTS) {
          throw new InvalidInputException(
              field + "to: between 1 and " + MAX_RECIPIENTS + " email addresses");
        }
        for (int j = 0; j < to.size(); j++) {
          String address = to.get(j);
          if (address == null || address.length() > 254 || !EMAIL.matcher(address).matches()) {
            throw new InvalidInputException(field + "to[" + j + "]: not an email address");
          }
        }
        yield new Notification(NotificationType.email, null, null, List.copyOf(to), null, on);
      }
      case chain -> {
        String scenarioId = request.scenarioId();
        if (scenarioId == null || scenarioId.isBlank() || scenarioId.length() > 100) {
          throw new InvalidInputException(field + "scenarioId: the id of the scenario to run");
        }
        yield new Notification(NotificationType.chain, null, null, null, scenarioId, on);
      }
    };
  }

  private static String url(String field, String url) {
    String problem = field + ": an absolute http or https URL";
    if (url == null || url.length() > 2000) {
      throw new InvalidInputException(problem);
    }
    try {
      if (WebhookUrls.isRedacted(url)) {
        // Copied from a viewer's redacted view: saving it would lose the real URL.
        throw new InvalidInputException(
            field
                + ": a redacted URL (with "
                + WebhookUrls.REDACTED
                + ") cannot be saved; send the full URL, which operators and admins read"
                + " in the scenario");
      }
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        throw new InvalidInputException(problem);
      }
      return url;
    } catch (URISyntaxException e) {
      throw new InvalidInputException(problem);
    }
  }
}
