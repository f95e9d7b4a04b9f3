package io.cta.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Summary statistics of millisecond samples: nearest-rank percentiles and the mean. */
public record Stats(int count, double p50, double p95, double p99, double mean) {

  public static Stats of(List<Long> samples) {
    if (samples.isEmpty()) {
      return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    List<Long> sorted = new ArrayList<>(samples);
    Collections.sort(sorted);
    double sum = 0;
    for (long sample : sorted) {
      sum += sample;
    }
    return new Stats(
        sorted.size(),
        percentile(sorted, 50),
        percentile(sorted, 95),
        percentile(sorted, 99),
        sum / sorted.size());
  }

  /** Nearest rank: the smallest sample that at least {@code p} percent of samples do not exceed. */
  static double percentile(List<Long> sorted, double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  /** Events per second: {@code count} events over {@code millis} milliseconds. */
  public static double perSecond(int count, long millis) {
    return millis <= 0 ? Double.NaN : count * 1000.0 / millis;
  }
}
