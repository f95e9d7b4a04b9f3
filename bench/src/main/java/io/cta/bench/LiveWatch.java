package io.cta.bench;

import io.cta.launcher.CtaClient;
import io.cta.launcher.LiveClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A WebSocket client watching every execution while CTA is measured: the latency of each execution
 * state change, from the moment its writer (api or consumer) appended it to the live feed, just
 * after storing the change, to its arrival here. All processes share this machine's clock.
 */
final class LiveWatch implements AutoCloseable {

  /** What the watch saw: state events, their latency percentiles (ms) and resyncs received. */
  record Summary(int events, double p50, double p95, double max, int resyncs) {}

  private final LiveClient client;
  private final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
  private final Thread reader;
  private volatile boolean stopped;
  private volatile int resyncs;

  private LiveWatch(CtaClient api) {
    client = LiveClient.connect(api);
    client.subscribe("executions", null);
    reader = new Thread(this::read, "live-watch");
    reader.setDaemon(true);
    reader.start();
  }

  static LiveWatch start(CtaClient api) {
    return new LiveWatch(api);
  }

  private void read() {
    while (!stopped) {
      LiveClient.Received received = client.next(Duration.ofMillis(200));
      if (received == null) {
        continue;
      }
      switch (received.type()) {
        case "execution" -> latencies.add(received.at() - received.message().get("at").asLong());
        case "resync" -> resyncs++;
        default -> {}
      }
    }
  }

  Summary summary() {
    List<Long> sorted;
    synchronized (latencies) {
      sorted = new ArrayList<>(latencies);
    }
    Collections.sort(sorted);
    if (sorted.isEmpty()) {
      return new Summary(0, Double.NaN, Double.NaN, Double.NaN, resyncs);
    }
    return new Summary(
        sorted.size(),
        Stats.percentile(sorted, 50),
        Stats.percentile(sorted, 95),
        sorted.get(sorted.size() - 1),
        resyncs);
  }

  @Override
  public void close() throws InterruptedException {
    stopped = true;
    reader.join();
    client.close();
  }
}
