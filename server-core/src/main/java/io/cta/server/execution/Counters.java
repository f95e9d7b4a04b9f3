package io.cta.server.execution;

import io.cta.activities.TestStatus;

/** How many counted results of an execution have each status. */
public record Counters(int ok, int failed, int partial, int inconclusive) {

  public static final Counters ZERO = new Counters(0, 0, 0, 0);

  public Counters plus(TestStatus status) {
    return switch (status) {
      case ok -> new Counters(ok + 1, failed, partial, inconclusive);
      case failed -> new Counters(ok, failed + 1, partial, inconclusive);
      case partial -> new Counters(ok, failed, partial + 1, inconclusive);
      case inconclusive -> new Counters(ok, failed, partial, inconclusive + 1);
    };
  }

  /** The overall result: the worst status counted, or null when nothing was counted. */
  public TestStatus result() {
    if (failed > 0) {
      return TestStatus.failed;
    }
    if (partial > 0) {
      return TestStatus.partial;
    }
    if (inconclusive > 0) {
      return TestStatus.inconclusive;
    }
    return ok > 0 ? TestStatus.ok : null;
  }
}
