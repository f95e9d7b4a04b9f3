package io.cta.agent;

/**
 * Whether the agent should drain, and who asked: the server (a drain through the API, which an
 * undrain takes back) or the operating system (SIGTERM, final).
 */
final class DrainRequest {

  private boolean byServer;
  private boolean bySignal;

  /** The server's wish, from a heartbeat's answer. */
  synchronized void server(boolean drain) {
    if (byServer != drain) {
      byServer = drain;
      notifyAll();
    }
  }

  /** SIGTERM: drain, for good. */
  synchronized void signal() {
    bySignal = true;
    notifyAll();
  }

  synchronized boolean signaled() {
    return bySignal;
  }

  synchronized boolean requested() {
    return byServer || bySignal;
  }

  synchronized void awaitRequested() throws InterruptedException {
    while (!requested()) {
      wait();
    }
  }

  /** Sleeps {@code millis}, or less when a drain is requested or taken back meanwhile. */
  synchronized void sleep(long millis) throws InterruptedException {
    wait(millis);
  }
}
