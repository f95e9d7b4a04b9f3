package io.cta.consumer.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cta.activities.ExecutionState;
import io.cta.activities.RunMode;
import io.cta.consumer.Fixtures;
import io.cta.server.definition.SelectorTarget;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.MachineRun;
import io.cta.server.execution.MachineRunState;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Where dispatch latency starts: the request, or the planned common start of a stress run. */
class ConsumerMetricsTest {

  private static final Instant REQUESTED = Instant.parse("2026-01-01T10:00:00Z");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ConsumerMetrics metrics = new ConsumerMetrics(registry);

  @Test
  void givenAMonoExecution_whenItStarts_thenLatencyRunsFromTheRequest() {
    metrics.executionStarted(
        Fixtures.execution(ExecutionState.pending, REQUESTED, 60_000), REQUESTED.plusMillis(30));

    assertEquals(30, dispatch().totalTime(TimeUnit.MILLISECONDS), 1e-6);
  }

  @Test
  void givenAStressExecution_whenItsLastMachineStarts_thenLatencyRunsFromThePlannedStart() {
    Instant planned = REQUESTED.plusSeconds(2);
    ExecutionDocument stress =
        withMachines(
            Fixtures.execution(
                ExecutionState.pending,
                REQUESTED,
                60_000,
                RunMode.stress,
                new SelectorTarget("os=linux"),
                false),
            List.of(
                new MachineRun("1", "m1", MachineRunState.running, planned, planned.plusMillis(3)),
                new MachineRun(
                    "2", "m2", MachineRunState.running, planned, planned.plusMillis(7))));

    metrics.executionStarted(stress, planned.plusMillis(7));
    // An agent whose clock runs a little behind the server's never makes it negative.
    metrics.executionStarted(stress, planned.minusMillis(5));

    assertEquals(2, dispatch().count());
    assertEquals(7, dispatch().totalTime(TimeUnit.MILLISECONDS), 1e-6);
  }

  private Timer dispatch() {
    return registry.get("cta.dispatch.latency").timer();
  }

  private static ExecutionDocument withMachines(ExecutionDocument e, List<MachineRun> machines) {
    return e.toBuilder().machines(machines).rerunOf(null).build();
  }
}
