package io.cta.agent;

/**
 * Whether the agent should drain, and who asked: the server (a drain through the API, which an
 * undrain takes back) or the operating system (SIGTERM, final). The heartbeat loop sleeps on it, so
 * it also wakes that loop when the tests running change.
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

  /** A test started or ended since the last sleep: the server should hear of it without waiting. */
  private boolean runningChanged;

  /** A test started or ended: ends the heartbeat loop's current sleep, or its next one. */
  synchronized void runningChanged() {
    runningChanged = true;
    notifyAll();
  }

  /**
   * Sleeps {@code millis}, or less when a drain is requested or taken back meanwhile, or a test
   * started or ended (during the sleep or before it); true when such a change ended it.
   */
  synchronized boolean sleep(long millis) throws InterruptedException {
    if (!runningChanged) {
      wait(millis);
    }
    boolean changed = runningChanged;
    runningChanged = false;
    return changed;
  }
}
