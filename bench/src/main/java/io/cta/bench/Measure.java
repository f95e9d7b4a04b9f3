package io.cta.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/** The two measurements both sides share: idle sequential runs and concurrent throughput. */
final class Measure {

  /** Runs one after another on an otherwise idle system. */
  record Idle(
      Stats dispatch,
      Stats roundTrip,
      Timeline.Breakdown breakdown,
      Cpu.Use cpu,
      List<String> problems) {}

  /** Runs kept {@code concurrency} at a time until {@code runs} ended. */
  record Throughput(
      int runs,
      int concurrency,
      long millis,
      Stats roundTrip,
      Timeline.Breakdown breakdown,
      Cpu.Use cpu,
      List<String> problems) {

    double perSecond() {
      return Stats.perSecond(runs, millis);
    }
  }

  private Measure() {}

  static Idle idle(Side side, int runs) throws Exception {
    List<Long> dispatch = new ArrayList<>();
    List<Long> roundTrip = new ArrayList<>();
    Timeline.Breakdown breakdown = new Timeline.Breakdown();
    List<String> problems = new ArrayList<>();
    Cpu.Meter meter = new Cpu.Meter();
    for (int i = 0; i < runs; i++) {
      Side.Sample sample = side.once();
      Side.Detail detail = side.detail(sample);
      roundTrip.add(sample.ended() - sample.requested());
      if (detail.problem() != null) {
        problems.add(sample.id() + ": " + detail.problem());
        continue;
      }
      dispatch.add(detail.dispatched() - sample.requested());
      breakdown.add(detail.timeline());
    }
    return new Idle(Stats.of(dispatch), Stats.of(roundTrip), breakdown, meter.stop(), problems);
  }

  /** Runs without measuring, so that every JVM involved has compiled its hot paths. */
  static void warmUp(Side side, int runs, int concurrency) throws Exception {
    runConcurrently(side, runs, Math.max(1, Math.min(runs, concurrency)));
  }

  static Throughput throughput(Side side, int runs, int concurrency) throws Exception {
    Cpu.Meter meter = new Cpu.Meter();
    long start = System.currentTimeMillis();
    List<Side.Sample> samples = runConcurrently(side, runs, concurrency);
    long millis = System.currentTimeMillis() - start;
    Cpu.Use cpu = meter.stop();
    List<Long> roundTrip = new ArrayList<>();
    Timeline.Breakdown breakdown = new Timeline.Breakdown();
    List<String> problems = new ArrayList<>();
    for (Side.Sample sample : samples) {
      roundTrip.add(sample.ended() - sample.requested());
      Side.Detail detail = side.detail(sample);
      if (detail.problem() != null) {
        problems.add(sample.id() + ": " + detail.problem());
      } else {
        breakdown.add(detail.timeline());
      }
    }
    return new Throughput(
        runs, concurrency, millis, Stats.of(roundTrip), breakdown, cpu, List.copyOf(problems));
  }

  private static List<Side.Sample> runConcurrently(Side side, int runs, int concurrency)
      throws Exception {
    List<Side.Sample> samples = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int i = 0; i < concurrency; i++) {
        workers.add(
            pool.submit(
                () -> {
                  while (next.getAndIncrement() < runs) {
                    samples.add(side.once());
                  }
                  return null;
                }));
      }
      for (Future<?> worker : workers) {
        worker.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return samples;
  }
}
