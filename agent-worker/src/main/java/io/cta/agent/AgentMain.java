package io.cta.agent;

import io.cta.activities.events.AgentConfig;
import io.cta.activities.events.DeregisterRequest;
import io.cta.activities.events.HeartbeatRequest;
import io.cta.activities.events.RegisterRequest;
import io.cta.agent.local.LocalResultsServer;
import io.cta.agent.run.CommandLineExecutor;
import io.cta.agent.run.TestExecutor;
import io.cta.agent.secret.ConsumerSecretSource;
import io.cta.agent.secret.SecretResolver;
import io.cta.temporal.TemporalConnections;
import io.cta.temporal.TemporalSettings;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CTA agent: registers its machine with the consumer, heartbeats, and runs tests that arrive on
 * its Temporal task queues. A drain (through the API, or SIGTERM) stops taking work, lets running
 * tests end within the drain timeout, then deregisters and exits: with 0 after an API drain, as the
 * JVM does on a signal (143) after SIGTERM.
 */
public final class AgentMain {

  private static final Logger log = LoggerFactory.getLogger(AgentMain.class);

  /** How long stopped tests get for their stop commands (bounded at 30 s each) and clean-up. */
  static final Duration STOP_GRACE = Duration.ofSeconds(45);

  /** The least time between heartbeats sent early because a test started or ended. */
  static final long WAKE_SPACING_MS = 1000;

  private AgentMain() {}

  public static void main(String[] args) throws Exception {
    if (List.of(args).contains("--help")) {
      System.out.print(AgentSettings.USAGE);
      return;
    }
    AgentSettings settings;
    try {
      settings = AgentSettings.load(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("cta-agent: " + e.getMessage());
      System.exit(2);
      return;
    }
    log.info("starting agent {} ({})", version(), settings);
    Files.createDirectories(settings.workDir());
    LocalResultsServer local;
    try {
      local = LocalResultsServer.start(settings.localPort());
    } catch (IOException e) {
      System.err.println(
          "cta-agent: cannot listen on 127.0.0.1:" + settings.localPort() + ": " + e.getMessage());
      System.exit(2);
      return;
    }
    log.info("local results endpoint at {}", local.url());
    EventBuffer buffer;
    try {
      buffer = EventBuffer.open(settings.bufferDir(), settings.bufferMaxBytes());
    } catch (IOException e) {
      System.err.println("cta-agent: cannot open the event buffer: " + e.getMessage());
      System.exit(2);
      return;
    }

    ConsumerClient consumer = new ConsumerClient(settings.server(), settings.token());
    AgentConfig config = registerUntilAccepted(consumer, settings);
    EventSender events =
        new EventSender(consumer, settings.name(), buffer, settings.batchMaxBytes());
    Map<String, TestExecutor> executors = executors(new CommandLineExecutor());

    TemporalSettings temporal =
        new TemporalSettings(
            settings.temporal(),
            settings.namespace(),
            null,
            null,
            null,
            false,
            settings.longPollTimeout());
    WorkflowServiceStubs stubs = TemporalConnections.serviceStubs(temporal);
    WorkflowClient client = TemporalConnections.client(stubs, temporal, settings.name());
    AgentActivitiesImpl activities =
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
    QueuePollers pollers = new QueuePollers(client, activities, settings.slots());
    pollers.pollExactly(config.queues());
    log.info(
        "agent {} is online as machine {} (id {})",
        settings.name(),
        config.name(),
        config.machineId());

    DrainRequest drain = new DrainRequest();
    activities.whenRunningTestsChange(drain::runningChanged);
    Thread heartbeats =
        new Thread(
            () -> heartbeatLoop(consumer, settings, activities, pollers, config, drain),
            "cta-heartbeat");
    heartbeats.setDaemon(true);
    heartbeats.start();
    CountDownLatch finished = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  drain.signal();
                  try {
                    // Bounded by the drain timeout; a service manager's stop timeout bounds it too.
                    finished.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "cta-shutdown"));

    drainWhenAsked(drain, pollers, activities, settings.drainTimeout());
    pollers.awaitPollsEnded(settings.longPollTimeout());
    heartbeats.interrupt();
    heartbeats.join(5000);
    pollers.close();
    events.close();
    try {
      consumer.post(
          "agent/v1/deregister", new DeregisterRequest(settings.name()), AgentConfig.class);
    } catch (IOException e) {
      log.warn(
          "could not deregister ({}): the machine goes offline without heartbeats", e.toString());
    }
    local.close();
    stubs.shutdown();
    log.info("agent {} drained and deregistered; exiting", settings.name());
    finished.countDown();
    System.exit(0);
  }

  /**
   * Waits for a drain, then takes no new work and gives running tests up to {@code timeout} to end
   * before stopping them with their stop commands. Returns when nothing runs any more; an undrain
   * before that makes the agent take work again.
   */
  private static void drainWhenAsked(
      DrainRequest drain, QueuePollers pollers, AgentActivitiesImpl activities, Duration timeout)
      throws InterruptedException {
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

  private static AgentConfig registerUntilAccepted(ConsumerClient consumer, AgentSettings settings)
      throws InterruptedException {
    long backoff = 500;
    while (true) {
      try {
        return consumer.post("agent/v1/register", registration(settings), AgentConfig.class);
      } catch (ConsumerClient.ConsumerException refused) {
        if (refused.isPermanent()) {
          // The problem's detail names what to change (a label over its limit, a name owned by
          // another token), not the raw JSON of the answer.
          System.err.println(
              "cta-agent: registration refused (" + refused.status() + "): " + refused.detail());
          System.exit(2);
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

  private static void heartbeatLoop(
      ConsumerClient consumer,
      AgentSettings settings,
      AgentActivitiesImpl activities,
      QueuePollers pollers,
      AgentConfig initial,
      DrainRequest drain) {
    long interval = Math.max(1000, initial.heartbeatIntervalMs());
    boolean stopping = false;
    long lastSent = 0;
    while (true) {
      try {
        if (stopping == drain.signaled()) {
          // SIGTERM wakes it: the machine shows draining at once. A test's start or end wakes it
          // too, so that the api shows the tests running within about a second; changes in a
          // burst go together, in at most one extra heartbeat a second.
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
        if (!desired.queues().isEmpty()
            && !pollers.queues().equals(java.util.Set.copyOf(desired.queues()))) {
          pollers.pollExactly(desired.queues());
        }
      } catch (InterruptedException e) {
        return;
      } catch (ConsumerClient.ConsumerException refused) {
        if (refused.isNotFound() && !drain.requested()) {
          try {
            registerUntilAccepted(consumer, settings);
          } catch (InterruptedException e) {
            return;
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

  private static RegisterRequest registration(AgentSettings settings) {
    String hostname;
    String ip;
    try {
      InetAddress local = InetAddress.getLocalHost();
      hostname = local.getHostName();
      ip = local.getHostAddress();
    } catch (IOException e) {
      hostname = settings.name();
      ip = null;
    }
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    return new RegisterRequest(
        settings.name(),
        hostname,
        ip,
        System.getProperty("os.name"),
        System.getProperty("os.arch"),
        Runtime.getRuntime().availableProcessors(),
        os.getTotalMemorySize(),
        version(),
        settings.properties(),
        settings.groups(),
        settings.slots());
  }

  /** The executors by the test type each runs: add one here to add a test type. */
  private static Map<String, TestExecutor> executors(TestExecutor... executors) {
    Map<String, TestExecutor> byType = new java.util.HashMap<>();
    for (TestExecutor executor : executors) {
      byType.put(executor.type(), executor);
    }
    return Map.copyOf(byType);
  }

  static String version() {
    String v = AgentMain.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
