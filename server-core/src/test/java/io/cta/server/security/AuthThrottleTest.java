package io.cta.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Counting failed authentications, on a clock the test moves. */
class AuthThrottleTest {

  private static final InetSocketAddress HOST = new InetSocketAddress("192.0.2.10", 40000);

  private final MutableClock clock = new MutableClock();
  private final AuthThrottle throttle =
      new AuthThrottle(new AuthThrottleProperties(Duration.ofMinutes(1), 3, 2, 100), clock);

  @Test
  void
      givenFailuresFromOneAddress_whenOverItsBudget_thenItWaitsUntilTheWindowEndsThenStartsAgain() {
    for (int i = 0; i < 3; i++) {
      assertEquals(Optional.empty(), throttle.failed(HOST, "guess-" + i), "failure " + i);
      clock.advance(Duration.ofSeconds(10));
    }

    assertEquals(Optional.of(Duration.ofSeconds(30)), throttle.failed(HOST, "guess-3"));
    assertEquals(
        Optional.empty(),
        throttle.failed(new InetSocketAddress("192.0.2.11", 1), "guess-4"),
        "another address has its own budget");
    clock.advance(Duration.ofSeconds(30));
    assertEquals(Optional.empty(), throttle.failed(HOST, "guess-5"), "a new window");
  }

  @Test
  void givenOneSecretFailingFromManyAddresses_whenOverItsBudget_thenItIsRefusedBeforeALookup() {
    assertEquals(Optional.empty(), throttle.secretRefused("stolen-looking"));
    throttle.failed(new InetSocketAddress("192.0.2.1", 1), "stolen-looking");
    throttle.failed(new InetSocketAddress("192.0.2.2", 1), "stolen-looking");

    assertEquals(Optional.of(Duration.ofMinutes(1)), throttle.secretRefused("stolen-looking"));
    assertEquals(Optional.empty(), throttle.secretRefused("another"));
    clock.advance(Duration.ofMinutes(1));
    assertEquals(Optional.empty(), throttle.secretRefused("stolen-looking"));
  }

  @Test
  void givenAddressesOfOneIpv6Slash64_whenFailing_thenTheyShareOneBudget() {
    for (int i = 1; i <= 3; i++) {
      throttle.failed(new InetSocketAddress("2001:db8:1:2::" + i, 1), "g" + i);
    }

    assertTrue(throttle.failed(new InetSocketAddress("2001:db8:1:2:ffff::9", 1), "g9").isPresent());
    assertEquals(
        Optional.empty(), throttle.failed(new InetSocketAddress("2001:db8:1:3::1", 1), "g10"));
    assertEquals(
        "2001:db8:1:2::/64",
        AuthThrottle.addressKey(new InetSocketAddress("2001:db8:1:2:abcd::1", 1)));
  }

  @Test
  void givenMoreKeysThanTracked_whenFailing_thenMemoryStaysBounded() {
    for (int i = 0; i < 1000; i++) {
      throttle.failed(new InetSocketAddress("10.0." + (i / 250) + "." + (i % 250), 1), "s" + i);
    }

    assertTrue(
        throttle.tracked() <= 200, "at most 100 addresses and 100 secrets: " + throttle.tracked());
  }

  /** A clock the test moves by hand. */
  static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-12-04T12:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
