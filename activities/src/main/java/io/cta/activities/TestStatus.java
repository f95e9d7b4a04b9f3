package io.cta.activities;

/** The status of one result; {@link #worst} orders them failed > partial > inconclusive > ok. */
public enum TestStatus {
  ok,
  inconclusive,
  partial,
  failed;

  /** The overall result of several statuses: the worst one, or null when there is none. */
  public static TestStatus worst(TestStatus a, TestStatus b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.ordinal() >= b.ordinal() ? a : b;
  }
}
