package io.cta.agent.run;

import io.cta.activities.agent.StageSpec;
import io.cta.testrunner.result.Verdict;
import io.cta.testrunner.stage.OutputPump;
import io.cta.testrunner.stage.OutputTail;
import io.cta.testrunner.stage.Stages;
import io.temporal.client.ActivityCompletionException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@code commandLine} test on this machine: its stages as {@link Stages} says (in order,
 * each through the system shell, with its working directory, its environment merged over the
 * agent's, and its timeout), as local processes. What is the agent's own here is launching and
 * killing them, and heartbeating while they run.
 */
public class CommandLineExecutor implements TestExecutor {

  private static final Logger log = LoggerFactory.getLogger(CommandLineExecutor.class);
  private static final long POLL_MILLIS = 200;
  private static final boolean WINDOWS =
      System.getProperty("os.name").toLowerCase().startsWith("win");

  @Override
  public String type() {
    return "commandLine";
  }

  @Override
  public Verdict run(TestRun run) throws InterruptedException {
    return Stages.runInOrder(
        run.test().stages(), (stage, stageName) -> runStage(run, stage, stageName));
  }

  /** Runs one stage; returns null when it passed, else why it failed. */
  private String runStage(TestRun run, StageSpec stage, String stageName)
      throws InterruptedException {
    Process process;
    try {
      process = start(run, stage, stage.run(), false);
    } catch (IOException e) {
      return Stages.couldNotStart(stageName, e.getMessage());
    }
    OutputTail tail = new OutputTail();
    Thread out = pump(process.getInputStream(), run, stageName, "stdout", tail);
    Thread err = pump(process.getErrorStream(), run, stageName, "stderr", tail);
    long deadline = System.currentTimeMillis() + stage.timeoutMs();
    try {
      while (!process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        run.heartbeat();
        if (System.currentTimeMillis() > deadline) {
          stop(run, stage, process);
          out.join(2000);
          err.join(2000);
          return Stages.timedOut(stageName, stage.timeoutMs());
        }
      }
    } catch (ActivityCompletionException canceled) {
      // Canceled or timed out by the server: stop the stage, kill what it started, then report.
      run.log(
          stageName, "stderr", "[CTA: stopping: " + canceled.getClass().getSimpleName() + "]\n");
      stop(run, stage, process);
      throw canceled;
    }
    out.join(5000);
    err.join(5000);
    int exit = process.exitValue();
    return exit == 0 ? null : Stages.exited(stageName, exit, tail.text());
  }

  /** Runs the stage's stop command (bounded), then kills the whole process tree. */
  private void stop(TestRun run, StageSpec stage, Process process) {
    if (Stages.hasStop(stage) && process.isAlive()) {
      try {
        Process stopper = start(run, stage, stage.stop(), true);
        long deadline = System.currentTimeMillis() + Stages.STOP_TIMEOUT_MILLIS;
        while (!stopper.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
          keepAlive(run);
          if (System.currentTimeMillis() > deadline) {
            killTree(stopper);
            break;
          }
        }
      } catch (IOException | InterruptedException e) {
        log.warn("stop command of test {} failed: {}", run.test().id(), e.toString());
      }
    }
    killTree(process);
  }

  /** Heartbeats while stopping; a cancel arriving now changes nothing, the stage is stopping. */
  private static void keepAlive(TestRun run) {
    try {
      run.heartbeat();
    } catch (ActivityCompletionException alreadyStopping) {
      // ignored: the stop goes on either way
    }
  }

  static void killTree(Process process) {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
  }

  private static Process start(TestRun run, StageSpec stage, String command, boolean discardOutput)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(Stages.shellCommand(command, WINDOWS));
    Path dir = Stages.workingDir(run.workDir(), stage);
    Files.createDirectories(dir);
    builder.directory(dir.toFile());
    Stages.mergeEnvironment(builder.environment(), run.stageEnvironment(stage), run.environment());
    builder.redirectInput(ProcessBuilder.Redirect.from(new File(WINDOWS ? "NUL" : "/dev/null")));
    if (discardOutput) {
      builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
      builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    }
    return builder.start();
  }

  /** Copies a stream to the test's log on a thread of its own ({@link OutputPump}). */
  private static Thread pump(
      InputStream stream, TestRun run, String stage, String name, OutputTail tail) {
    Thread thread =
        new Thread(
            new OutputPump(stream, run.masker(), text -> run.log(stage, name, text), tail.feed()),
            "cta-" + name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
