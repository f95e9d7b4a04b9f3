package io.cta.consumer.metrics;

import io.cta.activities.ExecutionState;
import io.cta.consumer.periodic.PeriodicJob;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.ExecutionStore.StateCount;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Executions by state and the age of the oldest pending one, as gauges.
 *
 * <p>A scrape never queries MongoDB: the embedded server ignores non-unique indexes, so every count
 * scans the executions collection, and a scrape per Prometheus server (and per dashboard refresh)
 * would multiply that. Instead the consumer counts in the background every {@link #INTERVAL}, with
 * one aggregation for every state (one scan on the embedded server, the {@code state_requestedAt}
 * index on a real MongoDB, see {@link ExecutionStore#countByState()}), and the gauges read the last
 * result. Only the consumer does this, so the api adds no load; each consumer counts on its own, so
 * with several consumers every one reports the same values. Keeping the counts incrementally
 * instead would need a write on every state change in the api and the consumer, and drifts after a
 * crash between the change and the count (no transactions): it would need this recount anyway.
 */
@Component
public class ExecutionGauges implements SmartLifecycle {

  /** How often the gauges are recounted, so how old their values may be. */
  static final Duration INTERVAL = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(ExecutionGauges.class);

  /** The last counts; null until the first count, so the gauges read NaN rather than a false 0. */
  private final AtomicReference<Snapshot> last = new AtomicReference<>();

  private final ExecutionStore executions;
  private final PeriodicJob job;

  private record Snapshot(Map<ExecutionState, Long> counts, Instant oldestPending) {}

  ExecutionGauges(ExecutionStore executions, MeterRegistry registry) {
    this.executions = executions;
    this.job =
        new PeriodicJob(
            "counting executions by state", Duration.ZERO, INTERVAL, this::refresh, log);
    for (ExecutionState state : ExecutionState.values()) {
      Gauge.builder("cta.executions", this, gauges -> gauges.count(state))
          .description("Executions in each state, as counted in the background every 30 s")
          .tag("state", state.name())
          .register(registry);
    }
    Gauge.builder("cta.executions.oldest.pending.age", this, ExecutionGauges::oldestPendingAge)
        .description("How long the oldest pending execution has waited since its request (0: none)")
        .baseUnit("seconds")
        .register(registry);
  }

  /** Counts now and publishes the result to the gauges. */
  public Mono<Void> refresh() {
    return executions
        .countByState()
        .collectList()
        .doOnNext(
            groups -> {
              Map<ExecutionState, Long> counts = new EnumMap<>(ExecutionState.class);
              Instant oldestPending = null;
              for (StateCount group : groups) {
                counts.put(group.state(), group.count());
                if (group.state() == ExecutionState.pending) {
                  oldestPending = group.oldestRequestedAt();
                }
              }
              last.set(new Snapshot(counts, oldestPending));
            })
        .then();
  }

  private double count(ExecutionState state) {
    Snapshot snapshot = last.get();
    return snapshot == null ? Double.NaN : snapshot.counts().getOrDefault(state, 0L);
  }

  /** Computed at scrape time from the last count, so it keeps growing between counts. */
  private double oldestPendingAge() {
    Snapshot snapshot = last.get();
    if (snapshot == null) {
      return Double.NaN;
    }
    if (snapshot.oldestPending() == null) {
      return 0;
    }
    return Math.max(0, Duration.between(snapshot.oldestPending(), Instant.now()).toMillis())
        / 1000.0;
  }

  @Override
  public void start() {
    job.start();
  }

  @Override
  public void stop() {
    job.stop();
  }

  @Override
  public boolean isRunning() {
    return job.isRunning();
  }
}
