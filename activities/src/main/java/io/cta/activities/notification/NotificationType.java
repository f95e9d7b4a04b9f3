package io.cta.activities.notification;

/** The channels a scenario's notification can use (docs/notifications.md). */
public enum NotificationType {
  /** A signed JSON POST to a URL. */
  webhook,
  /** An HTML and plain-text summary by SMTP. */
  email,
  /** Starts another scenario. */
  chain
}
