package io.cta.cli.run;

import io.cta.cli.http.ApiClient;
import io.cta.cli.http.LiveFeed;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * Waits for an execution to end. Changes arrive over the WebSocket API; each message is a notice to
 * read the execution again over REST (the record), and a slow REST poll covers anything the feed
 * missed. When the feed is refused or drops, it polls faster instead.
 */
public final class ExecutionWatcher {

  static final Duration POLL_WITH_FEED = Duration.ofSeconds(5);
  static final Duration POLL_WITHOUT_FEED = Duration.ofSeconds(1);

  /** Called with each fresh read of the execution. */
  public interface Listener {
    void changed(JsonNode execution);
  }

  private final ApiClient api;
  private final boolean live;
  private final java.io.PrintStream err;

  public ExecutionWatcher(ApiClient api, boolean live, java.io.PrintStream err) {
    this.api = api;
    this.live = live;
    this.err = err;
  }

  /** The ended execution, or null when {@code timeout} passed first. */
  public JsonNode await(String id, Duration timeout, Listener listener)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    BlockingQueue<String> notices = new LinkedBlockingQueue<>();
    LiveFeed feed =
        live
            ? LiveFeed.open(
                api,
                "execution:" + id,
                notices,
                why -> err.println("cta: live updates unavailable (" + why + "); polling"))
            : null;
    try {
      while (true) {
        JsonNode execution = api.get("/api/v1/executions/" + id);
        listener.changed(execution);
        if (Progress.terminal(execution)) {
          return execution;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        Duration poll = feed != null && feed.isOpen() ? POLL_WITH_FEED : POLL_WITHOUT_FEED;
        notices.poll(Math.min(left, poll.toNanos()), TimeUnit.NANOSECONDS);
        // Several notices at once need one read only.
        notices.clear();
      }
    } finally {
      if (feed != null) {
        feed.close();
      }
    }
  }
}
