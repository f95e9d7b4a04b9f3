package io.cta.testrunner.stage;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How much of a test's output is shipped: up to {@link #PER_TEST_BYTES}; the first piece over the
 * cap is replaced by a marker saying so, and later pieces are dropped. Thread-safe: both streams of
 * every stage of a test share one cap.
 */
public final class OutputCap {

  /** Output shipped per test before it is cut off with a marker. */
  public static final long PER_TEST_BYTES = 1024 * 1024;

  private final AtomicLong shipped = new AtomicLong();

  /** The piece to ship in place of {@code text} (masked already), or null when it is dropped. */
  public String admit(String text) {
    long before = shipped.getAndAdd(text.length());
    if (before >= PER_TEST_BYTES) {
      return null;
    }
    if (before + text.length() > PER_TEST_BYTES) {
      return "[output truncated: more than " + PER_TEST_BYTES + " bytes for this test]\n";
    }
    return text;
  }
}
