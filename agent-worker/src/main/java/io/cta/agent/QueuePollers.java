package io.cta.agent;

import io.cta.activities.FailureType;
import io.cta.activities.agent.AgentActivities;
import io.cta.activities.agent.RunTestRequest;
import io.cta.activities.agent.RunTestResult;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
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
 * one worker factory per queue (a started factory cannot take new workers).
 *
 * <p>The agent runs at most {@code slots} tests at once across all its queues, and polls every
 * queue at once while it has a free slot. A slot supplier shared by all workers would enforce the
 * limit too, but a worker reserves its slot before it polls, so an idle one-slot agent lends its
 * slot to one queue's long poll while work waits on its other queues
 * (docs/design.md#shared-slots-and-the-poller-trap): up to a long-poll timeout of dispatch latency.
 * Instead, every worker may poll, and the agent stops polling everywhere the moment its slots are
 * full, and starts again when one frees. A poll already in flight when it became full can still
 * deliver a test: the agent refuses it at once ({@link FailureType#AGENT_FULL}) without running
 * anything, and the workflow dispatches it again, to this agent once it has room, or to another.
 *
 * <p>Draining stops polling everywhere at once, whatever the free slots, and refuses what a poll in
 * flight still delivers the same way, until {@link #undrain}.
 */
class QueuePollers implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(QueuePollers.class);

  /**
   * A cancel reaches a test only in the answer to a heartbeat, and the SDK sends heartbeats at most
   * every 0.8 x the heartbeat timeout (3.2 s by default) unless capped: capped here, a cancel takes
   * at most about a second to reach the test, at one heartbeat call per second per running test.
   */
  static final Duration HEARTBEAT_THROTTLE = Duration.ofSeconds(1);

  private final WorkflowClient client;
  private final AgentActivities gated;
  private final int slots;
  private final Map<String, WorkerFactory> factories = new ConcurrentHashMap<>();
  private int running;
  private boolean draining;

  /** When the last poll that may still be in flight could have started (System.nanoTime). */
  private long lastPollStart;

  QueuePollers(WorkflowClient client, AgentActivities activities, int slots) {
    this.client = client;
    this.slots = slots;
    this.gated = request -> runInSlot(activities, request);
  }

  private RunTestResult runInSlot(AgentActivities activities, RunTestRequest request) {
    if (!enter()) {
      throw FailureType.AGENT_FULL.retryable("all " + slots + " slots of this agent are taken");
    }
    try {
      return activities.runTest(request);
    } finally {
      leave();
    }
  }

  private synchronized boolean enter() {
    if (draining || running >= slots) {
      return false;
    }
    if (++running == slots) {
      factories.values().forEach(WorkerFactory::suspendPolling);
    }
    return true;
  }

  private synchronized void leave() {
    // A poller waiting for a free slot had already passed its suspension check: it polls now.
    lastPollStart = System.nanoTime();
    if (running-- == slots && !draining) {
      factories.values().forEach(WorkerFactory::resumePolling);
    }
    notifyAll();
  }

  /** Stops taking work on every queue; running tests go on. */
  synchronized void drain() {
    if (!draining) {
      draining = true;
      lastPollStart = System.nanoTime();
      if (running < slots) {
        factories.values().forEach(WorkerFactory::suspendPolling);
      }
    }
  }

  /** Takes work again after {@link #drain}. */
  synchronized void undrain() {
    if (draining) {
      draining = false;
      if (running < slots) {
        factories.values().forEach(WorkerFactory::resumePolling);
      }
    }
  }

  /** Waits until no test runs, at most {@code timeout}; true if none runs. */
  synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (running > 0) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        return false;
      }
      wait(left);
    }
    return true;
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
                    .setMaxConcurrentActivityExecutionSize(slots)
                    .setMaxConcurrentActivityTaskPollers(1)
                    .setMaxHeartbeatThrottleInterval(HEARTBEAT_THROTTLE)
                    .build());
        worker.registerActivitiesImplementations(gated);
        factory.start();
        if (draining || running >= slots) {
          factory.suspendPolling();
        }
        factories.put(queue, factory);
        log.info("polling {}", queue);
      }
    }
  }

  Set<String> queues() {
    return Set.copyOf(factories.keySet());
  }

  /**
   * Waits, while draining, until no poll can be in flight any more: a poll that started before
   * polling stopped ends within {@code longPoll}, and a test it still delivers is refused and goes
   * back to its queue. Closing before would take such a test and lose it until its timeout.
   */
  void awaitPollsEnded(Duration longPoll) throws InterruptedException {
    long waitNanos;
    synchronized (this) {
      waitNanos = lastPollStart + longPoll.toNanos() + POLL_MARGIN.toNanos() - System.nanoTime();
    }
    if (waitNanos > 0) {
      TimeUnit.NANOSECONDS.sleep(waitNanos);
    }
  }

  /** Latency of a poll's answer beyond its long-poll timeout. */
  private static final Duration POLL_MARGIN = Duration.ofSeconds(1);

  @Override
  public synchronized void close() {
    factories.values().forEach(WorkerFactory::shutdown);
    for (WorkerFactory factory : factories.values()) {
      factory.awaitTermination(30, TimeUnit.SECONDS);
    }
    factories.clear();
  }
}
