package io.cta.server.definition;

import io.cta.server.security.Role;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * How a webhook URL is shown to those who may not edit it (docs/security.md, "Smaller
 * protections"). Receivers often put their credential in the URL: a token in the query ({@code
 * ?token=…}), a key in the path (Slack's {@code /services/T…/B…/key}) or user and password before
 * the host. The shown URL keeps the scheme, the host, the port and the first path segment, which
 * say where notifications go, and replaces everything else that is present with {@code ***}: {@code
 * https://hooks.example.com/services/***?***}.
 */
public final class WebhookUrls {

  /** What replaces a hidden part; a URL containing it is taken as one that was shown redacted. */
  public static final String REDACTED = "***";

  private WebhookUrls() {}

  /**
   * Whether a role sees webhook URLs whole: operators and admins, who may edit scenarios and so
   * send the URL back on {@code PUT}. Viewers see them {@link #redact redacted}.
   */
  public static boolean shownWhole(Role role) {
    return role == Role.operator || role == Role.admin;
  }

  public static String redact(String url) {
    if (url == null) {
      return null;
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return REDACTED; // Stored URLs were checked; never show what cannot be parsed.
    }
    if (uri.getScheme() == null || uri.getRawAuthority() == null) {
      return REDACTED;
    }
    StringBuilder shown = new StringBuilder(uri.getScheme()).append("://");
    if (uri.getRawUserInfo() != null) {
      shown.append(REDACTED).append('@');
    }
    shown.append(uri.getHost() == null ? REDACTED : uri.getHost());
    if (uri.getPort() >= 0) {
      shown.append(':').append(uri.getPort());
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    int second = path.indexOf('/', 1);
    if (second < 0 || second == path.length() - 1) {
      shown.append(path); // "", "/" or "/hook" or "/hook/": nothing beyond the first segment
    } else {
      shown.append(path, 0, second + 1).append(REDACTED);
    }
    if (uri.getRawQuery() != null) {
      shown.append('?').append(REDACTED);
    }
    if (uri.getRawFragment() != null) {
      shown.append('#').append(REDACTED);
    }
    return shown.toString();
  }

  /** Whether the URL holds {@link #REDACTED}: it was copied from a redacted view. */
  public static boolean isRedacted(String url) {
    return url != null && url.contains(REDACTED);
  }
}
