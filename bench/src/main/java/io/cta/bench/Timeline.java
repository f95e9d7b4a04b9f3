package io.cta.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named instants of one run (epoch milliseconds, one host clock), in the order the code passes
 * them; each pair of consecutive instants is a step. Absent instants (0 or less) are left out, so a
 * step then spans from the previous instant that is present.
 */
final class Timeline {

  private final List<String> names = new ArrayList<>();
  private final List<Long> times = new ArrayList<>();

  Timeline at(String name, long epochMillis) {
    if (epochMillis > 0) {
      names.add(name);
      times.add(epochMillis);
    }
    return this;
  }

  /** Each step "from → to" with its duration; a step that occurs twice is summed. */
  Map<String, Long> steps() {
    Map<String, Long> steps = new LinkedHashMap<>();
    for (int i = 1; i < names.size(); i++) {
      steps.merge(
          names.get(i - 1) + " → " + names.get(i), times.get(i) - times.get(i - 1), Long::sum);
    }
    return steps;
  }

  long total() {
    return times.isEmpty() ? 0 : times.get(times.size() - 1) - times.get(0);
  }

  /** Statistics of each step over many timelines, in the order steps first appeared. */
  static final class Breakdown {

    private final Map<String, List<Long>> steps = new LinkedHashMap<>();
    private final List<Long> totals = new ArrayList<>();

    void add(Timeline timeline) {
      timeline
          .steps()
          .forEach((step, ms) -> steps.computeIfAbsent(step, s -> new ArrayList<>()).add(ms));
      totals.add(timeline.total());
    }

    Map<String, Stats> steps() {
      Map<String, Stats> stats = new LinkedHashMap<>();
      steps.forEach((step, samples) -> stats.put(step, Stats.of(samples)));
      return stats;
    }

    Stats total() {
      return Stats.of(totals);
    }

    boolean isEmpty() {
      return totals.isEmpty();
    }
  }
}
