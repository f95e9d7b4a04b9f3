package io.cta.agent;

import io.cta.activities.events.RegisterRequest;
import io.cta.agent.local.LocalResultsServer;
import io.cta.agent.run.CommandLineExecutor;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CTA agent: registers its machine with the consumer, heartbeats, and runs tests that arrive on
 * its Temporal task queues ({@link AgentCore}). A drain (through the API, or SIGTERM) stops taking
 * work, lets running tests end within the drain timeout, then deregisters and exits: with 0 after
 * an API drain, as the JVM does on a signal (143) after SIGTERM.
 */
public final class AgentMain {

  private static final Logger log = LoggerFactory.getLogger(AgentMain.class);

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
    AgentCore agent =
        new AgentCore(
            settings, registration(settings), AgentCore.byType(new CommandLineExecutor()), local);
    try {
      agent.start();
    } catch (IOException e) {
      System.err.println("cta-agent: cannot open the event buffer: " + e.getMessage());
      System.exit(2);
      return;
    } catch (AgentCore.RegistrationRefused refused) {
      System.err.println("cta-agent: " + refused.getMessage());
      System.exit(2);
      return;
    }
    CountDownLatch finished = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  agent.drain();
                  try {
                    // Bounded by the drain timeout; a service manager's stop timeout bounds it too.
                    finished.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "cta-shutdown"));
    agent.runUntilDrained();
    local.close();
    log.info("agent {} exiting", settings.name());
    finished.countDown();
    System.exit(0);
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

  static String version() {
    String v = AgentMain.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
