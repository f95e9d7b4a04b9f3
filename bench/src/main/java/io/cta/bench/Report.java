package io.cta.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The printed comparison: one table of numbers and targets, then where the time goes. */
final class Report {

  /**
   * What one side measured; {@code machineIdle} is the idle runs on a machine target, or null;
   * {@code rounds} the throughput rounds, of which the median counts.
   */
  record Results(
      Measure.Idle idle,
      Measure.Idle machineIdle,
      List<Measure.Throughput> rounds,
      Side.FanOut fanOut) {

    Measure.Throughput throughput() {
      List<Measure.Throughput> sorted = new ArrayList<>(rounds);
      sorted.sort(Comparator.comparingDouble(Measure.Throughput::perSecond));
      return sorted.get((sorted.size() - 1) / 2);
    }

    String rates() {
      return rounds.stream()
          .map(round -> number(round.perSecond()))
          .collect(Collectors.joining(", "));
    }
  }

  /**
   * A target of docs/design.md#quality-bars: a limit on CTA's value in {@code unit}, or on its
   * ratio to the baseline when the unit is {@code ×}.
   */
  record Target(String text, double limit, boolean atMost, String unit) {

    /** "met", "MISSED by …", or "n/a" when there is nothing to judge. */
    String verdict(double cta, double ratio) {
      boolean onRatio = unit.equals("×");
      double value = onRatio ? ratio : cta;
      if (Double.isNaN(value)) {
        return "n/a";
      }
      boolean met = atMost ? value <= limit : value >= limit;
      if (met) {
        return "met";
      }
      double gap = Math.abs(value - limit);
      return String.format(
          Locale.ROOT,
          onRatio ? "MISSED by %.2f%s (%.0f%% %s)" : "MISSED by %.0f %s (%.0f%% %s)",
          gap,
          unit,
          100 * gap / limit,
          atMost ? "over" : "short");
    }
  }

  private final PrintStream out;

  Report(PrintStream out) {
    this.out = out;
  }

  void print(Results baseline, Results cta, LiveWatch.Summary live, int agents, int tests) {
    print(baseline, cta, live, agents, tests, "test");
  }

  /**
   * @param temporal the Temporal server both sides ran on: {@code test} or {@code dev}
   */
  void print(
      Results baseline,
      Results cta,
      LiveWatch.Summary live,
      int agents,
      int tests,
      String temporal) {
    out.println();
    out.println(
        "== CTA vs bare Temporal (same Temporal "
            + (temporal.equals("dev") ? "dev server" : "test server")
            + ", "
            + agents
            + " worker JVMs) ==");
    String format = "%-44s %12s %12s %9s  %-20s %s%n";
    out.printf(Locale.ROOT, format, "metric", "baseline", "CTA", "CTA/base", "target", "verdict");
    Measure.Throughput bt = baseline.throughput();
    Measure.Throughput ct = cta.throughput();
    row(
        format,
        "runs/s (median round)",
        bt.perSecond(),
        ct.perSecond(),
        new Target("≥ 0.60× baseline", 0.6, false, "×"));
    row(format, "loaded round trip p50 (ms)", bt.roundTrip().p50(), ct.roundTrip().p50(), null);
    row(
        format,
        "dispatch p50 (ms), group target",
        baseline.idle().dispatch().p50(),
        cta.idle().dispatch().p50(),
        new Target("≤ 50 ms", 50, true, "ms"));
    row(
        format,
        "dispatch p99 (ms), group target",
        baseline.idle().dispatch().p99(),
        cta.idle().dispatch().p99(),
        new Target("≤ 250 ms", 250, true, "ms"));
    if (cta.machineIdle() != null) {
      row(
          format,
          "dispatch p50 (ms), machine target",
          baseline.idle().dispatch().p50(),
          cta.machineIdle().dispatch().p50(),
          new Target("≤ 50 ms", 50, true, "ms"));
      row(
          format,
          "dispatch p99 (ms), machine target",
          baseline.idle().dispatch().p99(),
          cta.machineIdle().dispatch().p99(),
          new Target("≤ 250 ms", 250, true, "ms"));
    }
    row(
        format,
        "idle round trip p50 (ms)",
        baseline.idle().roundTrip().p50(),
        cta.idle().roundTrip().p50(),
        null);
    row(
        format,
        "idle round trip p99 (ms)",
        baseline.idle().roundTrip().p99(),
        cta.idle().roundTrip().p99(),
        null);
    String fanOut = "fan-out of " + tests + " over " + agents + " (s)";
    if (cta.fanOut().skipped() != null || baseline.fanOut().skipped() != null) {
      row(format, fanOut, seconds(baseline.fanOut()), Double.NaN, null);
      out.println("  CTA fan-out skipped: " + cta.fanOut().skipped());
    } else {
      row(
          format,
          fanOut,
          seconds(baseline.fanOut()),
          seconds(cta.fanOut()),
          new Target("≤ 1.5× baseline", 1.5, true, "×"));
      row(
          format,
          "history events of the largest run",
          baseline.fanOut().historyEvents(),
          cta.fanOut().historyEvents(),
          new Target("≤ 10,000", 10_000, true, "events"));
    }
    row(
        format,
        "live update p95 (ms), WebSocket",
        Double.NaN,
        live.p95(),
        new Target("≤ 1000 ms", 1000, true, "ms"));
    out.println(
        "  dispatch: client request → the no-op command starts (CTA: the result's startedAt, taken"
            + " by the agent just before it spawns the stage; baseline: the activity's first line)");
    out.printf(
        Locale.ROOT,
        "  live updates: %d execution state changes watched over /ws during all CTA runs:"
            + " p50 %s, p95 %s, max %s ms (written to the live feed → received); %d resyncs%n",
        live.events(),
        number(live.p50()),
        number(live.p95()),
        number(live.max()),
        live.resyncs());
    out.printf(
        Locale.ROOT,
        "  throughput: rounds of %d runs, %d at a time: baseline %s; CTA %s runs/s%n",
        bt.runs(),
        bt.concurrency(),
        baseline.rates(),
        cta.rates());
    quiet(baseline, cta);
    problems("baseline", baseline);
    problems("CTA", cta);

    cpu("per run under load", bt.cpu(), bt.runs(), ct.cpu(), ct.runs());
    if (baseline.fanOut().skipped() == null && cta.fanOut().skipped() == null) {
      cpu(
          "per test of the fan-out",
          baseline.fanOut().cpu(),
          baseline.fanOut().tests(),
          cta.fanOut().cpu(),
          cta.fanOut().tests());
    }
    breakdown("baseline, idle runs (sequential)", baseline.idle().breakdown());
    breakdown("CTA, idle runs (sequential, group target)", cta.idle().breakdown());
    if (cta.machineIdle() != null) {
      breakdown("CTA, idle runs (sequential, machine target)", cta.machineIdle().breakdown());
    }
    breakdown("baseline, under load (" + bt.concurrency() + " at a time)", bt.breakdown());
    breakdown("CTA, under load (" + ct.concurrency() + " at a time)", ct.breakdown());
    fanOut("baseline fan-out", baseline.fanOut());
    fanOut("CTA fan-out", cta.fanOut());
  }

  /** Ingestion against a raw insertMany, and the hot reads with everything stored. */
  void storage(StorageBench.Result storage, String backend) {
    out.println();
    out.printf(
        Locale.ROOT,
        "== Storage (embedded MongoDB, %s backend): %,d results in %d executions ==%n",
        backend,
        storage.results(),
        storage.executions());
    String format = "%-44s %12s %12s %9s  %-20s %s%n";
    out.printf(Locale.ROOT, format, "metric", "insertMany", "CTA", "CTA/base", "target", "verdict");
    row(
        format,
        "results/s through the batch endpoint",
        storage.rawPerSecond(),
        storage.apiPerSecond(),
        new Target("≥ 0.50× insertMany", 0.5, false, "×"));
    if (backend.equals("memory")) {
      row(
          format,
          "results/s (memory backend)",
          Double.NaN,
          storage.apiPerSecond(),
          new Target("≥ 20,000/s", 20_000, false, "/s"));
    }
    storage
        .reads()
        .forEach(
            (read, stats) ->
                row(
                    format,
                    "read p95 (ms): " + read,
                    Double.NaN,
                    stats.p95(),
                    new Target("≤ 200 ms", 200, true, "ms")));
    out.println(
        "  insertMany: the same result documents, batches of 1,000 from 4 threads, straight into"
            + " the same server; CTA: POST /agent/v1/events, 450 results and 45 log chunks per"
            + " batch, 4 threads, over HTTP with an agent token");
    storage
        .reads()
        .forEach(
            (read, stats) ->
                out.printf(
                    Locale.ROOT,
                    "  %s: p50 %s, p95 %s, p99 %s ms over %d reads%n",
                    read,
                    number(stats.p50()),
                    number(stats.p95()),
                    number(stats.p99()),
                    stats.count()));
    if (!storage.problems().isEmpty()) {
      out.println(
          "  problems: " + storage.problems().subList(0, Math.min(5, storage.problems().size())));
    }
  }

  private void row(String format, String metric, double baseline, double cta, Target target) {
    double ratio = baseline > 0 ? cta / baseline : Double.NaN;
    out.printf(
        Locale.ROOT,
        format,
        metric,
        number(baseline),
        number(cta),
        Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, "%.2f", ratio),
        target == null ? "" : target.text(),
        target == null ? "" : target.verdict(cta, ratio));
  }

  private void problems(String side, Results results) {
    List<String> problems = new ArrayList<>(results.idle().problems());
    problems.addAll(results.throughput().problems());
    if (results.machineIdle() != null) {
      problems.addAll(results.machineIdle().problems());
    }
    if (!problems.isEmpty()) {
      out.println(
          "  "
              + side
              + ": "
              + problems.size()
              + " runs did not end as expected, e.g. "
              + problems.get(0));
    }
  }

  /** CPU milliseconds per run (or test), per role. */
  private void cpu(String title, Cpu.Use baseline, int baseRuns, Cpu.Use cta, int ctaRuns) {
    out.println();
    out.println("-- CPU " + title + ", ms (" + Cpu.cores() + " cores) --");
    String format = "  %-66s %8s %8s%n";
    out.printf(Locale.ROOT, format, "process", "baseline", "CTA");
    Set<String> roles = new LinkedHashSet<>(baseline.millis().keySet());
    roles.addAll(cta.millis().keySet());
    for (String role : roles) {
      out.printf(
          Locale.ROOT, format, role, perRun(baseline, role, baseRuns), perRun(cta, role, ctaRuns));
    }
    out.printf(
        Locale.ROOT,
        "  machine busy meanwhile: baseline %s, CTA %s of %d cores%n",
        share(baseline, Cpu.MACHINE),
        share(cta, Cpu.MACHINE),
        Cpu.cores());
  }

  /** How much of the machine processes not ours used in each timed phase; warns above 10%. */
  private void quiet(Results baseline, Results cta) {
    List<Cpu.Use> phases =
        List.of(
            baseline.idle().cpu(),
            baseline.throughput().cpu(),
            baseline.fanOut().cpu(),
            cta.idle().cpu(),
            cta.throughput().cpu(),
            cta.fanOut().cpu());
    for (Cpu.Use phase : phases) {
      Long others = phase.millis().get(Cpu.OTHERS);
      if (others != null && others > 0.10 * phase.wallMillis() * Cpu.cores()) {
        out.println(
            "  WARNING: other processes used the machine while measuring; rerun on a quiet one"
                + " (e.g. "
                + phase.topOther()
                + ")");
        break;
      }
    }
    out.printf(
        Locale.ROOT,
        "  not ours (other processes on the machine), share of the machine: baseline idle %s,"
            + " load %s, fan-out %s; CTA idle %s, load %s, fan-out %s%n",
        share(baseline.idle().cpu(), Cpu.OTHERS),
        share(baseline.throughput().cpu(), Cpu.OTHERS),
        share(baseline.fanOut().cpu(), Cpu.OTHERS),
        share(cta.idle().cpu(), Cpu.OTHERS),
        share(cta.throughput().cpu(), Cpu.OTHERS),
        share(cta.fanOut().cpu(), Cpu.OTHERS));
  }

  private static String perRun(Cpu.Use use, String role, int runs) {
    Long millis = use.millis().get(role);
    return millis == null || runs == 0 ? "-" : number((double) millis / runs);
  }

  private static String share(Cpu.Use use, String role) {
    Long millis = use.millis().get(role);
    return millis == null
        ? "-"
        : String.format(Locale.ROOT, "%.0f%%", 100.0 * millis / use.wallMillis() / Cpu.cores());
  }

  /** Each step's mean (means add up to the mean total), median and 99th percentile. */
  private void breakdown(String title, Timeline.Breakdown breakdown) {
    if (breakdown.isEmpty()) {
      return;
    }
    out.println();
    out.println("-- where the time goes: " + title + ", ms --");
    String format = "  %-66s %8s %8s %8s%n";
    out.printf(Locale.ROOT, format, "step", "mean", "p50", "p99");
    for (Map.Entry<String, Stats> step : breakdown.steps().entrySet()) {
      Stats stats = step.getValue();
      out.printf(
          Locale.ROOT,
          format,
          step.getKey(),
          number(stats.mean()),
          number(stats.p50()),
          number(stats.p99()));
    }
    Stats total = breakdown.total();
    out.printf(
        Locale.ROOT,
        format,
        "total (" + total.count() + " runs)",
        number(total.mean()),
        number(total.p50()),
        number(total.p99()));
  }

  private void fanOut(String title, Side.FanOut fanOut) {
    out.println();
    if (fanOut.skipped() != null) {
      out.println("-- " + title + ": " + fanOut.skipped());
      return;
    }
    out.println(
        "-- "
            + title
            + ": "
            + fanOut.note()
            + ", largest run "
            + fanOut.historyEvents()
            + " events; ms --");
    for (Map.Entry<String, Long> step : fanOut.timeline().steps().entrySet()) {
      out.printf(Locale.ROOT, "  %-66s %8d%n", step.getKey(), step.getValue());
    }
    out.printf(Locale.ROOT, "  %-66s %8d%n", "total", fanOut.timeline().total());
  }

  private static double seconds(Side.FanOut fanOut) {
    return fanOut.skipped() != null ? Double.NaN : fanOut.millis() / 1000.0;
  }

  static String number(double value) {
    if (Double.isNaN(value)) {
      return "-";
    }
    return String.format(Locale.ROOT, value >= 100 ? "%.0f" : "%.1f", value);
  }
}
