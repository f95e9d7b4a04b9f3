package io.cta.agent;

import io.cta.activities.events.AgentConfig;
import io.cta.activities.events.DeregisterRequest;
import io.cta.activities.events.HeartbeatRequest;
import io.cta.activities.events.RegisterRequest;
import io.cta.agent.local.LocalResultsServer;
import io.cta.agent.run.TestExecutor;
import io.cta.agent.secret.ConsumerSecretSource;
import io.cta.agent.secret.SecretResolver;
import io.cta.temporal.TemporalConnections;
import io.cta.temporal.TemporalSettings;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an agent is for one machine, whatever runs its tests: registration, heartbeats, queue
 * polling, event sending, files and secrets, and the drain. {@link AgentMain} runs one for its own
 * machine with the local executors; the SSH runner runs one per SSH machine in one JVM, with an
 * executor that works over SSH (docs/agentless.md).
 */
public final class AgentCore {

  private static final Logger log = LoggerFactory.getLogger(AgentCore.class);

  /** How long stopped tests get for their stop commands (bounded at 30 s each) and clean-up. */
  static final Duration STOP_GRACE = Duration.ofSeconds(45);

  /** The least time between heartbeats sent early because a test started or ended. */
  static final long WAKE_SPACING_MS = 1000;

  /** The consumer refused the registration for good (a label over its limit, a name not ours). */
  public static final class RegistrationRefused extends Exception {
    RegistrationRefused(String message) {
      super(message);
    }
  }

  private final AgentSettings settings;
  private final RegisterRequest registration;
  private final Map<String, TestExecutor> executors;
  private final LocalResultsServer local;
  private final DrainRequest drain = new DrainRequest();

  private ConsumerClient consumer;
  private EventSender events;
  private WorkflowServiceStubs stubs;
  private AgentActivitiesImpl activities;
  private QueuePollers pollers;
  private Thread heartbeats;

  /**
   * @param registration what the machine declares when it registers
   * @param executors the executors by the test type each runs
   * @param local the local results endpoint; null where tests cannot reach one
   */
  public AgentCore(
      AgentSettings settings,
      RegisterRequest registration,
      Map<String, TestExecutor> executors,
      LocalResultsServer local) {
    this.settings = settings;
    this.registration = registration;
    this.executors = Map.copyOf(executors);
    this.local = local;
  }

  /** The executors by the test type each runs: add one where the core is built to add a type. */
  public static Map<String, TestExecutor> byType(TestExecutor... executors) {
    Map<String, TestExecutor> byType = new HashMap<>();
    for (TestExecutor executor : executors) {
      byType.put(executor.type(), executor);
    }
    return Map.copyOf(byType);
  }

  /** Asks for a drain as SIGTERM does: no new work, running tests end, then deregister. */
  public void drain() {
    drain.signal();
  }

  /**
   * Registers (retrying until the consumer answers), then polls the machine's queues and heartbeats
   * until {@link #runUntilDrained} ends.
   *
   * @throws IOException when the event buffer cannot be opened
   */
  public void start() throws IOException, InterruptedException, RegistrationRefused {
    Files.createDirectories(settings.workDir());
    EventBuffer buffer = EventBuffer.open(settings.bufferDir(), settings.bufferMaxBytes());
    consumer = new ConsumerClient(settings.server(), settings.token());
    AgentConfig config = registerUntilAccepted();
    events = new EventSender(consumer, settings.name(), buffer, settings.batchMaxBytes());
    TemporalSettings temporal =
        new TemporalSettings(
            settings.temporal(),
            settings.namespace(),
            null,
            null,
            null,
            false,
            settings.longPollTimeout());
    stubs = TemporalConnections.serviceStubs(temporal);
    WorkflowClient client = TemporalConnections.client(stubs, temporal, settings.name());
    activities =
        new AgentActivitiesImpl(
            settings.name(),
            settings.workDir(),
            events,
            executors,
            client,
            local,
            new FileUploader(consumer),
            new SecretResolver(
                new ConsumerSecretSource(consumer, config.name()),
                Duration.ofSeconds(1),
                Duration.ofSeconds(15)));
    pollers = new QueuePollers(client, activities, settings.slots());
    pollers.pollExactly(config.queues());
    log.info(
        "agent {} is online as machine {} (id {})",
        settings.name(),
        config.name(),
        config.machineId());
    activities.whenRunningTestsChange(drain::runningChanged);
    heartbeats = new Thread(() -> heartbeatLoop(config), "cta-heartbeat-" + settings.name());
    heartbeats.setDaemon(true);
    heartbeats.start();
  }

  /**
   * Waits for a drain (the api's or {@link #drain()}), lets running tests end within the drain
   * timeout, then stops polling and deregisters. Returns when all that is done.
   */
  public void runUntilDrained() throws InterruptedException {
    drainWhenAsked();
    pollers.awaitPollsEnded(settings.longPollTimeout());
    heartbeats.interrupt();
    heartbeats.join(5000);
    pollers.close();
    try {
      events.close();
    } catch (IOException e) {
      log.warn("events not all sent before the drain ended: {}", e.toString());
    }
    try {
      consumer.post(
          "agent/v1/deregister", new DeregisterRequest(settings.name()), AgentConfig.class);
    } catch (IOException e) {
      log.warn(
          "could not deregister ({}): the machine goes offline without heartbeats", e.toString());
    }
    stubs.shutdown();
    log.info("agent {} drained and deregistered", settings.name());
  }

  /**
   * Waits for a drain, then takes no new work and gives running tests up to the drain timeout to
   * end before stopping them with their stop commands. Returns when nothing runs any more; an
   * undrain before that makes the agent take work again.
   */
  private void drainWhenAsked() throws InterruptedException {
    Duration timeout = settings.drainTimeout();
    while (true) {
      drain.awaitRequested();
      pollers.drain();
      log.info("draining: no new work; running tests get up to {} s", timeout.toSeconds());
      long deadline = System.nanoTime() + timeout.toNanos();
      boolean idle = false;
      while (drain.requested() && !idle && System.nanoTime() < deadline) {
        idle = pollers.awaitIdle(Duration.ofMillis(200));
      }
      if (!drain.requested()) {
        pollers.undrain();
        log.info("drain taken back: taking work again");
        continue;
      }
      if (!idle) {
        String reason =
            "stopped: the agent drained and its drain timeout of "
                + timeout.toSeconds()
                + " s passed";
        log.warn("drain timeout passed: stopping the running tests");
        activities.stopAll(reason);
        pollers.awaitIdle(STOP_GRACE);
      }
      return;
    }
  }

  private AgentConfig registerUntilAccepted() throws InterruptedException, RegistrationRefused {
    long backoff = 500;
    while (true) {
      try {
        return consumer.post("agent/v1/register", registration, AgentConfig.class);
      } catch (ConsumerClient.ConsumerException refused) {
        if (refused.isPermanent()) {
          // The problem's detail names what to change (a label over its limit, a name owned by
          // another token), not the raw JSON of the answer.
          throw new RegistrationRefused(
              "registration refused (" + refused.status() + "): " + refused.detail());
        }
        log.warn("registration failed ({}); retrying in {} ms", refused.getMessage(), backoff);
      } catch (IOException unreachable) {
        log.warn(
            "consumer {} unreachable ({}); retrying in {} ms",
            settings.server(),
            unreachable.toString(),
            backoff);
      }
      Thread.sleep(backoff);
      backoff = Math.min(backoff * 2, 10_000);
    }
  }

  private void heartbeatLoop(AgentConfig initial) {
    long interval = Math.max(1000, initial.heartbeatIntervalMs());
    boolean stopping = false;
    long lastSent = 0;
    while (true) {
      try {
        if (stopping == drain.signaled()) {
          // A drain signal wakes it: the machine shows draining at once. A test's start or end
          // wakes it too, so that the api shows the tests running within about a second; changes
          // in a burst go together, in at most one extra heartbeat a second.
          if (drain.sleep(interval)) {
            long sinceLast = System.currentTimeMillis() - lastSent;
            if (sinceLast < WAKE_SPACING_MS) {
              Thread.sleep(WAKE_SPACING_MS - sinceLast);
            }
          }
        }
        stopping = drain.signaled();
        lastSent = System.currentTimeMillis();
        AgentConfig desired =
            consumer.post(
                "agent/v1/heartbeat",
                heartbeat(settings.name(), activities, stopping),
                AgentConfig.class);
        drain.server(desired.drain());
        if (!desired.queues().isEmpty() && !pollers.queues().equals(Set.copyOf(desired.queues()))) {
          pollers.pollExactly(desired.queues());
        }
      } catch (InterruptedException e) {
        return;
      } catch (ConsumerClient.ConsumerException refused) {
        if (refused.isNotFound() && !drain.requested()) {
          try {
            registerUntilAccepted();
          } catch (InterruptedException e) {
            return;
          } catch (RegistrationRefused e) {
            log.warn("{}", e.getMessage());
          }
        } else {
          log.warn("heartbeat refused: {}", refused.getMessage());
        }
      } catch (Exception e) {
        log.warn("heartbeat failed: {}", e.toString());
      }
    }
  }

  /** What a heartbeat tells the consumer: the executions and the tests this agent runs. */
  static HeartbeatRequest heartbeat(String name, AgentActivitiesImpl activities, boolean stopping) {
    return new HeartbeatRequest(
        name, new ArrayList<>(activities.runningExecutions()), stopping, activities.runningTests());
  }
}
