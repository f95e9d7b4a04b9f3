package io.cta.server.security;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Throttling of failed authentications ({@code cta.auth-throttle.*}, docs/operations.md), applied
 * by {@link AuthThrottle} in each process on its own.
 *
 * @param window the period over which failures are counted; a throttled caller waits until the
 *     window in which it failed ends
 * @param maxFailuresPerAddress failed authentications (401) one client address (an IPv6 /64) may
 *     have in a window; its further failing requests are answered 429 instead of 401
 * @param maxFailuresPerToken failed authentications one presented token or ticket may have in a
 *     window; after that it is answered 429 without being looked up
 * @param maxTracked how many addresses, and how many token hashes, are tracked at most; the oldest
 *     windows are forgotten first when more arrive
 */
@ConfigurationProperties("cta.auth-throttle")
public record AuthThrottleProperties(
    Duration window,
    Integer maxFailuresPerAddress,
    Integer maxFailuresPerToken,
    Integer maxTracked) {

  public AuthThrottleProperties {
    window = window == null ? Duration.ofMinutes(1) : window;
    maxFailuresPerAddress = maxFailuresPerAddress == null ? 30 : maxFailuresPerAddress;
    maxFailuresPerToken = maxFailuresPerToken == null ? 10 : maxFailuresPerToken;
    maxTracked = maxTracked == null ? 10_000 : maxTracked;
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("cta.auth-throttle.window: must be positive");
    }
    if (maxFailuresPerAddress < 1 || maxFailuresPerToken < 1 || maxTracked < 1) {
      throw new IllegalArgumentException(
          "cta.auth-throttle.max-failures-per-address, max-failures-per-token, max-tracked: at"
              + " least 1");
    }
  }

  /** The defaults: 30 failures per address and 10 per token in a minute, 10,000 of each tracked. */
  public static AuthThrottleProperties defaults() {
    return new AuthThrottleProperties(null, null, null, null);
  }
}
