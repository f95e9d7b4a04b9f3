package io.cta.ssh;

import io.cta.activities.events.RegisterRequest;
import io.cta.activities.events.SshMachineConfig;
import io.cta.activities.events.SshProbeReport;
import io.cta.agent.AgentCore;
import io.cta.agent.AgentSettings;
import io.cta.agent.ConsumerClient;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works for every SSH machine (docs/agentless.md): each pass reads the SSH machines from the
 * consumer, probes each and reports what it found, and keeps one {@link AgentCore} per machine that
 * is online and not drained, with the {@link SshExecutor} in place of the agent's local one. A
 * machine that goes offline, is drained or deleted has its core drained.
 */
final class SshRunner {

  private static final Logger log = LoggerFactory.getLogger(SshRunner.class);

  /** Where tests run on the hosts: under the SSH user's home. */
  static final String REMOTE_BASE = ".cta-work";

  /** Between SIGTERM and SIGKILL when a stage is stopped. */
  static final Duration KILL_GRACE = Duration.ofSeconds(5);

  private final AgentSettings base;
  private final ConsumerClient consumer;
  private final SshSessions sessions;
  private final SshProbe probe;
  private final Map<String, SshTarget> targets = new ConcurrentHashMap<>();
  private final Map<String, AgentCore> cores = new ConcurrentHashMap<>();

  /**
   * @param base the runner's settings: consumer, Temporal, token, work directory, drain timeout
   */
  SshRunner(AgentSettings base, ConsumerClient consumer, SshSessions sessions, SshProbe probe) {
    this.base = base;
    this.consumer = consumer;
    this.sessions = sessions;
    this.probe = probe;
  }

  /** One pass over the SSH machines. */
  void pass() {
    SshMachineConfig[] configs;
    try {
      configs = consumer.get("agent/v1/ssh/machines", SshMachineConfig[].class);
    } catch (IOException e) {
      log.warn("cannot read the SSH machines: {}", e.getMessage());
      return;
    }
    Set<String> seen = new HashSet<>();
    for (SshMachineConfig config : configs) {
      seen.add(config.name());
      passOne(config);
    }
    for (String gone : Set.copyOf(cores.keySet())) {
      if (!seen.contains(gone)) {
        log.info("machine {} is no SSH machine any more: draining its work", gone);
        stop(gone);
        sessions.forget(gone);
      }
    }
  }

  private void passOne(SshMachineConfig config) {
    String name = config.name();
    if (config.credential() == null) {
      report(name, "authentication failed: its credential's secret is gone", null);
      stop(name);
      return;
    }
    SshTarget target =
        new SshTarget(
            config.host(),
            config.port(),
            config.user(),
            config.credential(),
            config.hostKeyFingerprint(),
            config.trustOnFirstUse());
    targets.put(name, target);
    SshProbe.Result result = probe.probe(name, target);
    report(name, result.reason(), result.presentedKey());
    if (!result.online()) {
      stop(name);
    } else if (!config.draining() && !cores.containsKey(name)) {
      start(name, config.slots());
    }
  }

  private void report(String name, String reason, String presentedKey) {
    try {
      consumer.post(
          "agent/v1/ssh/probe", new SshProbeReport(name, reason, presentedKey), Void.class);
    } catch (IOException e) {
      log.warn("cannot report the probe of {}: {}", name, e.getMessage());
    }
  }

  /** A core for the machine, on a thread of its own until it drained. */
  private void start(String name, int slots) {
    AgentSettings settings =
        new AgentSettings(
            name,
            Map.of(),
            List.of(),
            slots,
            base.server(),
            base.temporal(),
            base.namespace(),
            base.token(),
            base.workDir().resolve(name),
            0,
            base.longPollTimeout(),
            base.bufferMaxBytes(),
            base.drainTimeout(),
            base.batchMaxBytes());
    RegisterRequest registration =
        new RegisterRequest(
            name,
            targets.get(name).host(),
            null,
            null,
            null,
            0,
            0,
            "ssh-runner",
            Map.of(),
            List.of(),
            slots);
    AgentCore core =
        new AgentCore(
            settings,
            registration,
            AgentCore.byType(
                new SshExecutor(name, () -> targets.get(name), sessions, REMOTE_BASE, KILL_GRACE)),
            null);
    cores.put(name, core);
    Thread thread =
        new Thread(
            () -> {
              try {
                core.start();
                log.info("working for SSH machine {}", name);
                core.runUntilDrained();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (Exception e) {
                log.warn("stopped working for SSH machine {}: {}", name, e.getMessage());
              } finally {
                cores.remove(name, core);
              }
            },
            "cta-ssh-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  private void stop(String name) {
    AgentCore core = cores.get(name);
    if (core != null) {
      core.drain();
    }
  }

  /**
   * Drains every core (the runner stops); returns once none works any more or after {@code wait}.
   */
  void stopAll(Duration wait) throws InterruptedException {
    cores.values().forEach(AgentCore::drain);
    long until = System.nanoTime() + wait.toNanos();
    while (!cores.isEmpty() && System.nanoTime() < until) {
      Thread.sleep(100);
    }
  }

  /** The machines it works for now (for checks). */
  Set<String> working() {
    return Set.copyOf(cores.keySet());
  }
}
