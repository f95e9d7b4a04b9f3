package io.cta.agent.run;

import io.cta.activities.TestStatus;
import io.cta.activities.agent.StageSpec;
import io.cta.activities.agent.TestSpec;
import io.cta.activities.events.AgentEvent;
import io.cta.agent.secret.Secrets;
import io.cta.testrunner.junit.JUnitReports;
import io.cta.testrunner.mask.Masker;
import io.cta.testrunner.result.CaseResult;
import io.cta.testrunner.result.Verdict;
import io.cta.testrunner.stage.OutputCap;
import io.cta.testrunner.stage.Stages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One test being run by an agent: what to run, where, and how to report. Events get idempotency
 * keys derived from the execution, test, attempt and their own position, so a re-sent event is the
 * same event. A result's key is its counting key, so a later report of the same case replaces the
 * earlier one.
 *
 * <p>Everything the run sends passes its secrets' masker: results (however they were reported) in
 * {@link #send}, output in {@link #log}. Output that arrives in pieces is masked by the executor
 * with {@link Masker#stream()} first, so a value split across two reads is caught too.
 */
public final class TestRun {

  /** The consumer's limit on event keys. */
  private static final int MAX_KEY = 300;

  /** Report files written this long before the test started still count as written by it. */
  private static final long REPORT_CLOCK_SLACK_MILLIS = 3000;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final String executionId;
  private final int attempt;
  private final TestSpec test;
  private final String machine;
  private final Path workDir;
  private final Consumer<AgentEvent> events;
  private final Runnable heartbeat;
  private final String localUrl;
  private final ResultFiles files;
  private final Secrets secrets;
  private final String runId = newRunId();
  private final long startedAt = System.currentTimeMillis();
  private final AtomicLong logSeq = new AtomicLong();
  private final OutputCap logCap = new OutputCap();

  /** The latest status sent per case: what the workflow is told (worst status, result count). */
  private final Map<String, TestStatus> latest = new ConcurrentHashMap<>();

  private boolean finished;

  /**
   * @param localUrl base URL of the agent's local results endpoint, or null when it has none
   * @param files uploads the files results reference, before each result is sent
   */
  public TestRun(
      String executionId,
      int attempt,
      TestSpec test,
      String machine,
      Path workDir,
      Consumer<AgentEvent> events,
      Runnable heartbeat,
      String localUrl,
      ResultFiles files) {
    this(
        executionId,
        attempt,
        test,
        machine,
        workDir,
        events,
        heartbeat,
        localUrl,
        files,
        Secrets.NONE);
  }

  /**
   * @param secrets the values of the secrets the test's stages reference, resolved for this attempt
   */
  public TestRun(
      String executionId,
      int attempt,
      TestSpec test,
      String machine,
      Path workDir,
      Consumer<AgentEvent> events,
      Runnable heartbeat,
      String localUrl,
      ResultFiles files,
      Secrets secrets) {
    this.secrets = secrets;
    this.executionId = executionId;
    this.attempt = attempt;
    this.test = test;
    this.machine = machine;
    this.workDir = workDir;
    this.events = events;
    this.heartbeat = heartbeat;
    this.localUrl = localUrl;
    this.files = files;
  }

  /** The machine this agent runs on. */
  public String machine() {
    return machine;
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

  /** The agent's work directory: relative stage directories are resolved against it. */
  public Path workDir() {
    return workDir;
  }

  /**
   * The test's working directory: where its first stage runs (its {@code cwd}, resolved against the
   * agent's work directory), or the agent's work directory ({@link Stages#testDir}).
   */
  public Path testDir() {
    return Stages.testDir(workDir, test);
  }

  /** A random id naming this run in its local results URL, so that concurrent tests stay apart. */
  public String runId() {
    return runId;
  }

  /** Tells Temporal the test is alive; throws when the test must stop (cancel, timeout). */
  public void heartbeat() {
    heartbeat.run();
  }

  /** The variables CTA sets for the test's processes, over any of the same name. */
  public Map<String, String> environment() {
    Map<String, String> env = Stages.ctaVariables(executionId, test.id(), attempt);
    if (localUrl != null) {
      env.put("CTA_RESULTS_URL", localUrl + "/runs/" + runId + "/results");
      env.put("CTA_TESTSTATUS_URL", localUrl + "/testframework/teststatus");
    }
    return env;
  }

  /**
   * A stage's own variables with their {@code ${secret:NAME}} references resolved: what its
   * processes get, merged over the agent's environment and under {@link #environment()}.
   */
  public Map<String, String> stageEnvironment(StageSpec stage) {
    Map<String, String> env = new TreeMap<>();
    stage.env().forEach((name, value) -> env.put(name, secrets.resolve(value)));
    return env;
  }

  /** Masks the values of the test's secrets (nothing when it references none). */
  public Masker masker() {
    return secrets.masker();
  }

  /**
   * Reports a result explicitly (from the local endpoint, or from an executor itself); false when
   * the test has already finished, in which case nothing is sent.
   */
  public synchronized boolean report(CaseResult result) {
    if (finished) {
      return false;
    }
    send(result);
    return true;
  }

  /**
   * Ends the test after its executor returned (docs/design.md#counting). From now on explicit
   * reports are refused. Then:
   *
   * <ul>
   *   <li>a test without {@code reports} and without explicit results gets one result, its verdict,
   *       with case name {@code ""};
   *   <li>otherwise the verdict alone does not decide: every case of its reports becomes a result
   *       ({@link JUnitReports}: a missing or unreadable report becomes one {@code inconclusive}
   *       result), and a {@code failed} verdict adds a {@code failed} result for the test itself
   *       (case {@code ""}) only when no result of the test is {@code failed}.
   * </ul>
   */
  public TestOutcome finish(Verdict verdict) {
    synchronized (this) {
      finished = true;
    }
    boolean explicit = !latest.isEmpty();
    List<CaseResult> cases =
        test.reports().isEmpty()
            ? List.of()
            : JUnitReports.read(
                testDir(), test.reports(), startedAt - REPORT_CLOCK_SLACK_MILLIS, this::heartbeat);
    if (!explicit && test.reports().isEmpty()) {
      send(CaseResult.of("", verdict.status(), verdict.message()));
    } else {
      cases.forEach(this::send);
      if (verdict.status() == TestStatus.failed && !latest.containsValue(TestStatus.failed)) {
        send(CaseResult.of("", TestStatus.failed, verdict.message()));
      }
    }
    TestStatus worst = null;
    for (TestStatus status : latest.values()) {
      worst = TestStatus.worst(worst, status);
    }
    return new TestOutcome(worst, latest.size());
  }

  /**
   * Ends a test whose stages were never run (a secret it references no longer exists): its one
   * result is the verdict, whatever its reports or explicit results would have been.
   */
  public TestOutcome finishUnrun(Verdict verdict) {
    synchronized (this) {
      finished = true;
    }
    send(CaseResult.of("", verdict.status(), verdict.message()));
    return new TestOutcome(verdict.status(), 1);
  }

  /**
   * Uploads the result's files, then sends it masked: a result never points to a file not stored,
   * and never carries a secret's value. Files are uploaded as they are.
   */
  private void send(CaseResult posted) {
    CaseResult result =
        mask(
            posted.attachments().isEmpty() && posted.screenshots().isEmpty()
                ? posted
                : files.upload(this, posted));
    long now = System.currentTimeMillis();
    latest.put(result.caseName(), result.status());
    events.accept(
        AgentEvent.result(
                resultKey(result.caseName()),
                executionId,
                test.id(),
                attempt,
                result.caseName(),
                result.status().name(),
                result.message(),
                startedAt,
                now)
            .toBuilder()
            .description(result.description())
            .durationMs(result.durationMs() != null ? result.durationMs() : now - startedAt)
            .custom(result.custom().isEmpty() ? null : result.custom())
            .attachments(result.attachments().isEmpty() ? null : result.attachments())
            .screenshots(result.screenshots().isEmpty() ? null : result.screenshots())
            .build());
  }

  /** The result with its names, texts and custom keys and values masked. */
  private CaseResult mask(CaseResult result) {
    Masker masker = secrets.masker();
    if (masker.isEmpty()) {
      return result;
    }
    Map<String, String> custom = new LinkedHashMap<>();
    result
        .custom()
        .forEach((key, value) -> custom.merge(masker.mask(key), masker.mask(value), (a, b) -> b));
    return new CaseResult(
        masker.mask(result.caseName()),
        result.status(),
        masker.mask(result.message()),
        masker.mask(result.description()),
        result.durationMs(),
        custom,
        result.attachments(),
        result.screenshots());
  }

  /** The counting key, or a digest of it when it is longer than an event key may be. */
  private String resultKey(String caseName) {
    String key =
        "result/" + executionId + "/" + test.id() + "/" + caseName + "/" + machine + "/" + attempt;
    if (key.length() <= MAX_KEY) {
      return key;
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return "result/sha-256/" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * Ships a piece of a stage's output, unless the test's cap is reached; the first chunk over the
   * cap is replaced by a truncation marker.
   */
  public void log(String stage, String stream, String text) {
    text = logCap.admit(secrets.masker().mask(text));
    if (text == null) {
      return;
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

  private static String newRunId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
