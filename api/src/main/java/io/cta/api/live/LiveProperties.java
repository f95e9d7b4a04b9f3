package io.cta.api.live;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Limits of the WebSocket API ({@code cta.live.*}), each per api process (docs/api.md, "Limits").
 *
 * @param maxSessionsPerToken open sessions of one token at most (default 50); more is a 429 on the
 *     ticket request and on the handshake
 * @param maxSessions open sessions in all at most (default 2000); more is a 429 likewise
 * @param subscribeRate {@code subscribe} messages per second and session (default 10); more is
 *     answered with an {@code error} message, the session stays
 * @param subscribeBurst {@code subscribe} messages a session may send at once (default 20)
 * @param replayMaxScan sequence numbers one replay reads at most (default 8192): a {@code since}
 *     further behind gets a {@code resync} without reading the feed
 */
@ConfigurationProperties("cta.live")
public record LiveProperties(
    Integer maxSessionsPerToken,
    Integer maxSessions,
    Integer subscribeRate,
    Integer subscribeBurst,
    Integer replayMaxScan) {

  public static final LiveProperties DEFAULTS = new LiveProperties(null, null, null, null, null);

  public LiveProperties {
    maxSessionsPerToken = positive(maxSessionsPerToken, 50, "max-sessions-per-token");
    maxSessions = positive(maxSessions, 2000, "max-sessions");
    subscribeRate = positive(subscribeRate, 10, "subscribe-rate");
    subscribeBurst = positive(subscribeBurst, 20, "subscribe-burst");
    replayMaxScan = positive(replayMaxScan, 8192, "replay-max-scan");
  }

  private static int positive(Integer value, int fallback, String name) {
    if (value == null) {
      return fallback;
    }
    if (value < 1) {
      throw new IllegalArgumentException("cta.live." + name + ": must be at least 1");
    }
    return value;
  }
}
