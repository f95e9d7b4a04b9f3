package io.cta.consumer.vm;

import io.cta.consumer.periodic.PeriodicJob;
import io.cta.server.vm.VmMachineDocument;
import io.cta.server.vm.VmPoolStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The VM manager's metrics (docs/operations.md#ctas-metrics): machines by pool and state, counted
 * in the background like the execution gauges (a scrape never queries MongoDB), how long machines
 * take from creation to their agent's registration, and machines that failed.
 */
@Component
public class VmMetrics implements SmartLifecycle {

  static final Duration INTERVAL = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(VmMetrics.class);

  private final VmPoolStore pools;
  private final MultiGauge machines;
  private final Timer ready;
  private final Counter failed;
  private final PeriodicJob job;

  public VmMetrics(MeterRegistry registry, VmPoolStore pools) {
    this.pools = pools;
    this.machines =
        MultiGauge.builder("cta.vm.machines")
            .description("Live VM machines by pool and state, counted every 30 s")
            .register(registry);
    this.ready =
        Timer.builder("cta.vm.machine.ready")
            .description("From a VM machine's creation to its agent's registration")
            .serviceLevelObjectives(
                Duration.ofSeconds(5),
                Duration.ofSeconds(15),
                Duration.ofSeconds(30),
                Duration.ofMinutes(1),
                Duration.ofMinutes(3),
                Duration.ofMinutes(10))
            .register(registry);
    this.failed =
        Counter.builder("cta.vm.machines.failed")
            .description(
                "VM machines that ended failed: launch or VM timeout, provider refusal, gone")
            .register(registry);
    this.job =
        new PeriodicJob("counting VM machines", Duration.ZERO, INTERVAL, () -> count().then(), log);
  }

  /** A machine's agent registered: its time from creation. */
  void machineReady(VmMachineDocument created, Instant now) {
    ready.record(Duration.between(created.createdAt(), now));
  }

  void machineFailed() {
    failed.increment();
  }

  /** Recounts the live machines by pool and state. */
  Mono<Void> count() {
    return pools
        .liveMachines()
        .collectList()
        .doOnNext(
            live -> {
              Map<List<String>, Long> counts =
                  live.stream()
                      .collect(
                          Collectors.groupingBy(
                              m -> List.of(m.poolId(), m.state().name()),
                              LinkedHashMap::new,
                              Collectors.counting()));
              machines.register(
                  counts.entrySet().stream()
                      .map(
                          e ->
                              MultiGauge.Row.of(
                                  Tags.of("pool", e.getKey().get(0), "state", e.getKey().get(1)),
                                  e.getValue()))
                      .toList(),
                  true);
            })
        .then();
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
