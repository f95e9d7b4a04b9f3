package io.cta.consumer.metrics;

import io.cta.activities.TestStatus;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.MachineRun;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.stereotype.Component;

/**
 * The consumer's own meters (docs/operations.md, "CTA's metrics"). Every tagged series is
 * registered at start with 0, so a rate or an alert works before the first event.
 */
@Component
public class ConsumerMetrics {

  /** Failed notification deliveries, tagged {@code channel}. */
  public static final String NOTIFICATION_FAILURES = "cta.notification.failures";

  /** The values of the {@code channel} tag of {@link #NOTIFICATION_FAILURES}. */
  public static final List<String> NOTIFICATION_CHANNELS = List.of("webhook", "email", "chain");

  /** Executions deleted by retention, with everything that belonged to them. */
  public static final String RETENTION_DELETED = "cta.retention.deleted";

  private final MeterRegistry registry;
  private final Map<TestStatus, Counter> results = new EnumMap<>(TestStatus.class);
  private final Timer dispatch;
  private final Counter retentionDeleted;

  public ConsumerMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (TestStatus status : TestStatus.values()) {
      results.put(
          status,
          Counter.builder("cta.results.ingested")
              .description("Result reports from agents stored by the consumer")
              .tag("status", status.name())
              .register(registry));
    }
    for (String channel : NOTIFICATION_CHANNELS) {
      notificationFailures(channel);
    }
    retentionDeleted =
        Counter.builder(RETENTION_DELETED)
            .description("Ended executions deleted by retention, with all they stored")
            .register(registry);
    // Explicit buckets, including the quality bars of docs/design.md#quality-bars (p50 <= 50 ms,
    // p99 <= 250 ms).
    dispatch =
        Timer.builder("cta.dispatch.latency")
            .description("From an execution's request (stress: its planned start) to its start")
            .serviceLevelObjectives(
                Duration.ofMillis(10),
                Duration.ofMillis(25),
                Duration.ofMillis(50),
                Duration.ofMillis(100),
                Duration.ofMillis(250),
                Duration.ofMillis(500),
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                Duration.ofMinutes(5),
                Duration.ofMinutes(30))
            .register(registry);
  }

  public void resultIngested(TestStatus status) {
    results.get(status).increment();
  }

  /** One failed delivery on a notification channel ({@link #NOTIFICATION_CHANNELS}). */
  public void notificationFailed(String channel) {
    notificationFailures(channel).increment();
  }

  private Counter notificationFailures(String channel) {
    return Counter.builder(NOTIFICATION_FAILURES)
        .description("Notification deliveries that failed")
        .tag("channel", channel)
        .register(registry);
  }

  /** Retention deleted this many executions. */
  public void retentionDeleted(long executions) {
    retentionDeleted.increment(executions);
  }

  /**
   * An execution started running at {@code startedAt} (the agent's clock): its first test started,
   * or, in stress mode, the last of its machines started. Measured from the request, or from the
   * planned common start of a stress execution, whose agents wait for that instant on purpose.
   */
  public void executionStarted(ExecutionDocument execution, Instant startedAt) {
    List<MachineRun> machines = execution.machines() == null ? List.of() : execution.machines();
    Instant from =
        machines.stream()
            .map(MachineRun::plannedStartAt)
            .filter(Objects::nonNull)
            .findFirst()
            .orElse(execution.requestedAt());
    Duration latency = Duration.between(from, startedAt);
    // Clocks of agent and server may differ a little: never a negative duration.
    dispatch.record(latency.isNegative() ? Duration.ZERO : latency);
  }
}
