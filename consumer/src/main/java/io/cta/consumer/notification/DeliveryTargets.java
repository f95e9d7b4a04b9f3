package io.cta.consumer.notification;

import io.cta.server.definition.Notification;
import java.net.URI;
import java.net.URISyntaxException;

/** Where a notification goes, as the delivery log shows it. */
final class DeliveryTargets {

  private DeliveryTargets() {}

  /** Where a notification goes, as the delivery log shows it: never a secret, nor a URL's query. */
  static String of(Notification notification) {
    return switch (notification.type()) {
      case webhook -> withoutQuery(notification.url());
      case email -> notification.to() == null ? null : String.join(", ", notification.to());
      case chain -> notification.scenarioId();
    };
  }

  private static String withoutQuery(String url) {
    if (url == null) {
      return null;
    }
    try {
      URI uri = new URI(url);
      return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null)
          .toString();
    } catch (URISyntaxException e) {
      return "(invalid URL)";
    }
  }
}
