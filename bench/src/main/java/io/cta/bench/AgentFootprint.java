package io.cta.bench;

import io.cta.launcher.CtaClient;
import io.cta.launcher.LocalStack;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench/run.sh --agent-footprint SECONDS}: one agent, started as {@link LocalStack} starts
 * agents (the start script's JVM flags), idles against the embedded stack while its CPU time and
 * resident memory are read from /proc; then the numbers against the bar of docs/agent.md.
 */
final class AgentFootprint {

  /** The bar: at most this share of one core at idle. */
  static final double MAX_CORE_SHARE = 0.01;

  /** The bar: at most this resident memory at idle. */
  static final long MAX_RSS_BYTES = 160L << 20;

  /** After coming online, the agent settles (class loading, JIT) before the measurement. */
  static final Duration SETTLE = Duration.ofSeconds(20);

  private AgentFootprint() {}

  /** The numbers of one measurement. */
  record Result(double seconds, long cpuMillis, long rssBytes, long peakRssBytes) {

    double coreShare() {
      return cpuMillis / (seconds * 1000);
    }

    boolean cpuOk() {
      return coreShare() <= MAX_CORE_SHARE;
    }

    boolean rssOk() {
      return peakRssBytes <= MAX_RSS_BYTES;
    }
  }

  static Result measure(LocalStack stack, CtaClient api, Duration idle, PrintStream out)
      throws Exception {
    String agent = "bench-idle";
    stack.startAgent(agent, List.of());
    long pid = stack.process("agent-" + agent).pid();
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (!api.get("/api/v1/machines/" + agent).body().path("status").asText().equals("online")) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("agent " + agent + " did not come online");
      }
      Thread.sleep(200);
    }
    out.printf(Locale.ROOT, "agent pid %d online; settling %d s%n", pid, SETTLE.toSeconds());
    Thread.sleep(SETTLE.toMillis());
    long cpuBefore = cpuMillis(pid);
    long start = System.nanoTime();
    long peak = 0;
    long end = start + idle.toNanos();
    while (System.nanoTime() < end) {
      peak = Math.max(peak, rssBytes(pid));
      Thread.sleep(1000);
    }
    long cpu = cpuMillis(pid) - cpuBefore;
    double seconds = (System.nanoTime() - start) / 1e9;
    long rss = rssBytes(pid);
    return new Result(seconds, cpu, rss, Math.max(peak, rss));
  }

  static void print(Result r, PrintStream out) {
    out.println();
    out.println("| agent at idle | measured | bar | verdict |");
    out.println("| --- | --- | --- | --- |");
    out.printf(
        Locale.ROOT,
        "| CPU over %.0f s | %d ms = %.2f %% of a core | <= %.0f %% of a core | %s |%n",
        r.seconds(),
        r.cpuMillis(),
        r.coreShare() * 100,
        MAX_CORE_SHARE * 100,
        r.cpuOk() ? "ok" : "MISSED");
    out.printf(
        Locale.ROOT,
        "| RSS (peak while idle) | %d MB (%d MB) | <= %d MB | %s |%n",
        r.rssBytes() >> 20,
        r.peakRssBytes() >> 20,
        MAX_RSS_BYTES >> 20,
        r.rssOk() ? "ok" : "MISSED");
  }

  /** utime + stime of the process, from /proc/PID/stat (USER_HZ 100). */
  static long cpuMillis(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
  }

  /** VmRSS of the process, from /proc/PID/status. */
  static long rssBytes(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) << 10;
      }
    }
    throw new IOException("no VmRSS in /proc/" + pid + "/status");
  }
}
