package io.cta.ssh;

import io.cta.agent.AgentSettings;
import io.cta.agent.ConsumerClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSH runner (docs/agentless.md): works for every SSH machine with a {@code runner} token, one
 * pass every {@code CTA_SSH_PROBE_INTERVAL} seconds (10 by default). It takes the agent's settings
 * (consumer, Temporal, token, work directory, drain timeout; {@code --help}), the token being a
 * runner token. SIGTERM drains the work of every machine, then it exits.
 */
public final class SshRunnerMain {

  private static final Logger log = LoggerFactory.getLogger(SshRunnerMain.class);

  private SshRunnerMain() {}

  public static void main(String[] args) throws Exception {
    if (List.of(args).contains("--help")) {
      System.out.print(
          "Usage: java -jar cta-ssh-runner.jar [the agent's options]\n"
              + "  The token must be a runner token; --name, --slots and labels are ignored.\n"
              + "  CTA_SSH_PROBE_INTERVAL   seconds between passes over the SSH machines (10)\n\n"
              + AgentSettings.USAGE);
      return;
    }
    AgentSettings settings;
    try {
      settings = AgentSettings.load(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("cta-ssh-runner: " + e.getMessage());
      System.exit(2);
      return;
    }
    Duration interval;
    try {
      interval =
          Duration.ofSeconds(
              Long.parseLong(System.getenv().getOrDefault("CTA_SSH_PROBE_INTERVAL", "10")));
    } catch (NumberFormatException e) {
      interval = Duration.ZERO;
    }
    if (interval.isZero() || interval.isNegative()) {
      System.err.println(
          "cta-ssh-runner: CTA_SSH_PROBE_INTERVAL: a whole number of seconds, 1 or more");
      System.exit(2);
      return;
    }
    log.info(
        "starting the SSH runner (consumer {}, every {} s)",
        settings.server(),
        interval.toSeconds());
    CountDownLatch stopping = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    try (SshConnector connector = new SshConnector(Duration.ofSeconds(10));
        SshSessions sessions = new SshSessions(connector)) {
      SshRunner runner =
          new SshRunner(
              settings,
              new ConsumerClient(settings.server(), settings.token()),
              sessions,
              new SshProbe(sessions, Duration.ofSeconds(10)));
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    stopping.countDown();
                    try {
                      stopped.await();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  },
                  "cta-shutdown"));
      while (stopping.getCount() > 0) {
        runner.pass();
        stopping.await(interval.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      }
      runner.stopAll(settings.drainTimeout().plusSeconds(50));
    } finally {
      log.info("SSH runner stopped");
      stopped.countDown();
    }
  }
}
