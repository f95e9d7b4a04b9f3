package io.cta.agent;

import io.cta.activities.agent.AgentActivities;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import io.temporal.worker.tuning.ActivitySlotInfo;
import io.temporal.worker.tuning.CompositeTuner;
import io.temporal.worker.tuning.FixedSizeSlotSupplier;
import io.temporal.worker.tuning.LocalActivitySlotInfo;
import io.temporal.worker.tuning.NexusSlotInfo;
import io.temporal.worker.tuning.WorkflowSlotInfo;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the task queues the server tells this agent to poll, and follows changes without a restart:
 * one worker factory per queue (a started factory cannot take new workers). All workers share one
 * activity slot supplier, so the agent never runs more than {@code slots} tests at once across its
 * queues; each worker polls with one poller so an idle long poll holds at most one slot per queue
 * (platform-notes.md, "Routing work to agents").
 */
class QueuePollers implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(QueuePollers.class);

  private final WorkflowClient client;
  private final AgentActivities activities;
  private final CompositeTuner tuner;
  private final Map<String, WorkerFactory> factories = new ConcurrentHashMap<>();

  QueuePollers(WorkflowClient client, AgentActivities activities, int slots) {
    this.client = client;
    this.activities = activities;
    this.tuner =
        new CompositeTuner(
            new FixedSizeSlotSupplier<WorkflowSlotInfo>(1),
            new FixedSizeSlotSupplier<ActivitySlotInfo>(slots),
            new FixedSizeSlotSupplier<LocalActivitySlotInfo>(1),
            new FixedSizeSlotSupplier<NexusSlotInfo>(1));
  }

  /** Starts polling queues that are new and stops polling queues that are gone. */
  synchronized void pollExactly(Collection<String> queues) {
    Set<String> wanted = new HashSet<>(queues);
    for (String queue : Set.copyOf(factories.keySet())) {
      if (!wanted.contains(queue)) {
        WorkerFactory factory = factories.remove(queue);
        factory.shutdown();
        log.info("stopped polling {}", queue);
      }
    }
    for (String queue : wanted) {
      if (!factories.containsKey(queue)) {
        WorkerFactory factory = WorkerFactory.newInstance(client);
        Worker worker =
            factory.newWorker(
                queue,
                WorkerOptions.newBuilder()
                    .setWorkerTuner(tuner)
                    .setMaxConcurrentActivityTaskPollers(1)
                    .build());
        worker.registerActivitiesImplementations(activities);
        factory.start();
        factories.put(queue, factory);
        log.info("polling {}", queue);
      }
    }
  }

  Set<String> queues() {
    return Set.copyOf(factories.keySet());
  }

  /** Stops taking new work; running tests go on until they end. */
  void suspend() {
    factories.values().forEach(WorkerFactory::suspendPolling);
  }

  @Override
  public synchronized void close() {
    factories.values().forEach(WorkerFactory::shutdown);
    for (WorkerFactory factory : factories.values()) {
      factory.awaitTermination(30, TimeUnit.SECONDS);
    }
    factories.clear();
  }
}
