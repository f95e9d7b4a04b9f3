package io.cta.consumer.periodic;

import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs one pass of a consumer's periodic job (the reconciler, retention, the execution gauges)
 * every {@code every}, for the owner's {@code SmartLifecycle}. Passes never overlap: a tick that
 * comes while a pass still runs is dropped, not queued, so a slow MongoDB does not pile passes up.
 * A failed pass is logged on the owner's logger and the next tick runs again: one bad pass must not
 * end the job for the life of the process.
 */
public final class PeriodicJob {

  private final String name;
  private final Duration firstAfter;
  private final Duration every;
  private final Supplier<? extends Mono<?>> pass;
  private final Logger log;
  private volatile Disposable schedule;

  /**
   * @param name what a pass does, for the log ("reconciliation" → "reconciliation failed: …")
   * @param firstAfter the delay before the first pass ({@link Duration#ZERO}: at start)
   * @param every the time between the starts of two ticks
   * @param pass one pass; subscribed once per tick
   * @param log the owner's logger, so failures show under the job's name
   */
  public PeriodicJob(
      String name,
      Duration firstAfter,
      Duration every,
      Supplier<? extends Mono<?>> pass,
      Logger log) {
    this.name = name;
    this.firstAfter = firstAfter;
    this.every = every;
    this.pass = pass;
    this.log = log;
  }

  /** Starts ticking; a second start while running does nothing. */
  public synchronized void start() {
    if (schedule != null) {
      return;
    }
    schedule =
        Flux.interval(firstAfter, every)
            .onBackpressureDrop()
            .concatMap(
                tick ->
                    Mono.defer(pass)
                        .then()
                        .onErrorResume(
                            e -> {
                              log.warn("{} failed: {}", name, e.toString());
                              return Mono.empty();
                            }))
            .subscribe();
  }

  /** Stops ticking and cancels a pass in flight. */
  public synchronized void stop() {
    Disposable s = schedule;
    if (s != null) {
      s.dispose();
    }
    schedule = null;
  }

  public boolean isRunning() {
    return schedule != null;
  }
}
