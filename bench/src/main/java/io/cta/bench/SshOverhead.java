package io.cta.bench;

import io.cta.launcher.CtaClient;
import io.cta.launcher.LocalStack;
import io.cta.launcher.OpenSshServer;
import io.temporal.client.WorkflowClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench/run.sh --ssh-overhead N}: what running a test over SSH adds (docs/agentless.md). One
 * agent and one SSH machine on Debian's OpenSSH server on loopback, both reached by a mono run of a
 * one-stage {@code true} test; N sequential runs on each, and the difference of their median round
 * trips (request to end) against the bar of {@value #MAX_OVERHEAD_MS} ms.
 */
final class SshOverhead {

  /** The most a one-stage {@code true} test over SSH may add to the same test on an agent. */
  static final long MAX_OVERHEAD_MS = 300;

  private static final String AGENT = "bench-agent";
  private static final String SSH = "bench-ssh";

  private SshOverhead() {}

  /** The two medians and their difference. */
  record Result(Stats agent, Stats ssh) {
    double overheadMs() {
      return ssh.p50() - agent.p50();
    }
  }

  static Result measure(
      LocalStack stack, CtaClient api, WorkflowClient temporal, int runs, PrintStream out)
      throws Exception {
    if (OpenSshServer.missing() != null) {
      throw new IllegalStateException("--ssh-overhead: " + OpenSshServer.missing());
    }
    try (OpenSshServer sshd = OpenSshServer.start()) {
      stack.startAgent(AGENT, List.of());
      stack.startSshRunner(Map.of("CTA_SSH_PROBE_INTERVAL", "1"));
      api.post("/api/v1/secrets", Map.of("name", "bench-ssh-key", "value", sshd.clientKey()))
          .expect(201);
      api.post(
              "/api/v1/machines",
              Map.of(
                  "name",
                  SSH,
                  "kind",
                  "ssh",
                  "ssh",
                  Map.of(
                      "host", "127.0.0.1",
                      "port", sshd.port(),
                      "user", OpenSshServer.user(),
                      "credential", "bench-ssh-key",
                      "hostKey", sshd.hostKey())))
          .expect(201);
      awaitOnline(api, List.of(AGENT, SSH));
      Stats agent =
          idle(new CtaSide("agent", api, temporal, "mono", Map.of("machine", AGENT)), runs, out);
      Stats ssh =
          idle(new CtaSide("ssh", api, temporal, "mono", Map.of("machine", SSH)), runs, out);
      return new Result(agent, ssh);
    }
  }

  private static Stats idle(CtaSide side, int runs, PrintStream out) throws Exception {
    Measure.warmUp(side, Math.min(10, runs), 1);
    Measure.Idle idle = Measure.idle(side, runs);
    if (!idle.problems().isEmpty()) {
      out.println(
          side.name()
              + ": "
              + idle.problems().size()
              + " runs with problems, first: "
              + idle.problems().get(0));
    }
    return idle.roundTrip();
  }

  static void print(Result result, PrintStream out) {
    out.printf(
        Locale.ROOT,
        "%nSSH overhead (one-stage `true` test, mono, sequential runs, round trip request to end)%n"
            + "| machine | runs | p50 ms | p95 ms |%n| --- | --- | --- | --- |%n"
            + "| agent | %d | %.0f | %.0f |%n| SSH (OpenSSH on loopback) | %d | %.0f | %.0f |%n"
            + "overhead of SSH (p50 difference): %.0f ms, bar <= %d ms: %s%n",
        result.agent().count(),
        result.agent().p50(),
        result.agent().p95(),
        result.ssh().count(),
        result.ssh().p50(),
        result.ssh().p95(),
        result.overheadMs(),
        MAX_OVERHEAD_MS,
        result.overheadMs() <= MAX_OVERHEAD_MS ? "met" : "NOT met");
  }

  private static void awaitOnline(CtaClient api, List<String> machines)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    for (String machine : machines) {
      while (!api.get("/api/v1/machines/" + machine)
          .body()
          .path("status")
          .asText()
          .equals("online")) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(machine + " did not come online within 2 minutes");
        }
        Thread.sleep(200);
      }
    }
  }
}
