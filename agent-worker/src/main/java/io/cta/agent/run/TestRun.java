package io.cta.agent.run;

import io.cta.activities.TestStatus;
import io.cta.activities.agent.TestSpec;
import io.cta.activities.events.AgentEvent;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One test being run by an agent: what to run, where, and how to report. Events get idempotency
 * keys derived from the execution, test, attempt and their own position, so a re-sent event is the
 * same event.
 */
public final class TestRun {

  /** Output shipped per test before it is cut off with a marker. */
  public static final long LOG_CAP_BYTES = 1024 * 1024;

  private final String executionId;
  private final int attempt;
  private final TestSpec test;
  private final String machine;
  private final Path workDir;
  private final Consumer<AgentEvent> events;
  private final Runnable heartbeat;
  private final AtomicLong logSeq = new AtomicLong();
  private final AtomicLong logBytes = new AtomicLong();

  public TestRun(
      String executionId,
      int attempt,
      TestSpec test,
      String machine,
      Path workDir,
      Consumer<AgentEvent> events,
      Runnable heartbeat) {
    this.executionId = executionId;
    this.attempt = attempt;
    this.test = test;
    this.machine = machine;
    this.workDir = workDir;
    this.events = events;
    this.heartbeat = heartbeat;
  }

  public String executionId() {
    return executionId;
  }

  public int attempt() {
    return attempt;
  }

  public TestSpec test() {
    return test;
  }

  public Path workDir() {
    return workDir;
  }

  /** Tells Temporal the test is alive; throws when the test must stop (cancel, timeout). */
  public void heartbeat() {
    heartbeat.run();
  }

  public void result(
      String caseName, TestStatus status, String message, long startedAt, long finishedAt) {
    String key =
        "result/" + executionId + "/" + test.id() + "/" + caseName + "/" + machine + "/" + attempt;
    events.accept(
        AgentEvent.result(
            key,
            executionId,
            test.id(),
            attempt,
            caseName,
            status.name(),
            message,
            startedAt,
            finishedAt));
  }

  /**
   * Ships a piece of a stage's output, unless the test's cap is reached; the first chunk over the
   * cap is replaced by a truncation marker.
   */
  public void log(String stage, String stream, String text) {
    long before = logBytes.getAndAdd(text.length());
    if (before >= LOG_CAP_BYTES) {
      return;
    }
    if (before + text.length() > LOG_CAP_BYTES) {
      text = "[output truncated: more than " + LOG_CAP_BYTES + " bytes for this test]\n";
    }
    long seq = logSeq.incrementAndGet();
    String key = "log/" + executionId + "/" + test.id() + "/" + machine + "/" + attempt + "/" + seq;
    events.accept(
        AgentEvent.log(
            key,
            executionId,
            test.id(),
            attempt,
            stage,
            stream,
            seq,
            text,
            System.currentTimeMillis()));
  }
}
