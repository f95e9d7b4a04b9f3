package io.cta.agent.run;

import io.cta.activities.agent.StageSpec;
import io.cta.agent.secret.Masker;
import io.temporal.client.ActivityCompletionException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@code commandLine} test: its stages in order, each through the system shell, with its
 * working directory, its environment merged over the agent's, and its timeout. A failed mandatory
 * stage stops the test and fails its verdict; a failed optional stage is noted and the test goes
 * on.
 */
public class CommandLineExecutor implements TestExecutor {

  private static final Logger log = LoggerFactory.getLogger(CommandLineExecutor.class);
  private static final long POLL_MILLIS = 200;
  private static final long STOP_TIMEOUT_MILLIS = 30_000;
  private static final int MAX_LINE = 16 * 1024;
  private static final boolean WINDOWS =
      System.getProperty("os.name").toLowerCase().startsWith("win");

  @Override
  public String type() {
    return "commandLine";
  }

  @Override
  public Verdict run(TestRun run) throws InterruptedException {
    StringBuilder notes = new StringBuilder();
    for (StageSpec stage : run.test().stages()) {
      String stageName = stage.name() == null ? "stage" : stage.name();
      String problem = runStage(run, stage, stageName);
      if (problem != null) {
        if (stage.mandatory()) {
          return Verdict.failed(problem);
        }
        notes.append(notes.length() == 0 ? "" : "; ").append(problem).append(" (not mandatory)");
      }
    }
    return Verdict.passed(notes.length() > 0 ? notes.toString() : "passed");
  }

  /** Runs one stage; returns null when it passed, else why it failed. */
  private String runStage(TestRun run, StageSpec stage, String stageName)
      throws InterruptedException {
    Process process;
    try {
      process = start(run, stage, stage.run(), false);
    } catch (IOException e) {
      return "stage '" + stageName + "' could not start: " + e.getMessage();
    }
    Deque<String> tail = new ArrayDeque<>();
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
          return "stage '" + stageName + "' timed out after " + stage.timeoutMs() / 1000.0 + " s";
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
    if (exit == 0) {
      return null;
    }
    String last;
    synchronized (tail) {
      last = String.join("\n", tail);
    }
    return "stage '" + stageName + "' exited with " + exit + (last.isBlank() ? "" : ": " + last);
  }

  /** Runs the stage's stop command (bounded), then kills the whole process tree. */
  private void stop(TestRun run, StageSpec stage, Process process) {
    if (stage.stop() != null && !stage.stop().isBlank() && process.isAlive()) {
      try {
        Process stopper = start(run, stage, stage.stop(), true);
        long deadline = System.currentTimeMillis() + STOP_TIMEOUT_MILLIS;
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
    ProcessBuilder builder =
        new ProcessBuilder(
            WINDOWS ? List.of("cmd.exe", "/c", command) : List.of("/bin/sh", "-c", command));
    Path dir = run.workDir();
    if (stage.cwd() != null && !stage.cwd().isBlank()) {
      dir = run.workDir().resolve(stage.cwd());
    }
    Files.createDirectories(dir);
    builder.directory(dir.toFile());
    Map<String, String> env = builder.environment();
    env.remove("CTA_AGENT_TOKEN");
    env.putAll(run.stageEnvironment(stage));
    env.putAll(run.environment());
    builder.redirectInput(ProcessBuilder.Redirect.from(new File(WINDOWS ? "NUL" : "/dev/null")));
    if (discardOutput) {
      builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
      builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    }
    return builder.start();
  }

  /**
   * Copies a stream to the test's log in chunks, keeping the last lines for the failure message.
   * Each line is masked whole, and the chunks pass a streaming masker, so a secret's value spanning
   * lines (a key file printed) is masked too; the failure message keeps lines of that masked
   * output, never raw lines, since the other stream's lines may come between a value's halves.
   */
  private static Thread pump(
      InputStream stream, TestRun run, String stage, String name, Deque<String> tail) {
    Thread thread =
        new Thread(
            () -> {
              Masker masker = run.masker();
              Masker.Stream masked = masker.stream();
              StringBuilder chunk = new StringBuilder();
              StringBuilder partial = new StringBuilder(); // a line not yet ended
              long lastFlush = System.currentTimeMillis();
              // Lines are cut while they stream: a line without end never fills the heap.
              try (BoundedLineReader reader =
                  new BoundedLineReader(
                      new InputStreamReader(stream, StandardCharsets.UTF_8), MAX_LINE)) {
                String line;
                while ((line = reader.readLine()) != null) {
                  line = masker.mask(line);
                  chunk.append(line).append('\n');
                  long now = System.currentTimeMillis();
                  // Ship before blocking on a quiet process, so its output is readable live;
                  // a burst is shipped in chunks.
                  if (chunk.length() > 16 * 1024 || now - lastFlush > 500 || !reader.ready()) {
                    String text = masked.accept(chunk.toString());
                    if (!text.isEmpty()) {
                      run.log(stage, name, text);
                      keep(text, partial, tail);
                    }
                    chunk.setLength(0);
                    lastFlush = now;
                  }
                }
              } catch (IOException closed) {
                // The process was killed; ship what was read.
              }
              String rest = masked.accept(chunk.toString()) + masked.finish();
              if (!rest.isEmpty()) {
                run.log(stage, name, rest);
              }
              keep(rest, partial, tail);
            },
            "cta-" + name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** Adds the complete lines of masked output to the failure message's last lines. */
  private static void keep(String text, StringBuilder partial, Deque<String> tail) {
    partial.append(text);
    int end;
    while ((end = partial.indexOf("\n")) >= 0) {
      String line = partial.substring(0, end);
      partial.delete(0, end + 1);
      synchronized (tail) {
        tail.addLast(line.length() > 300 ? line.substring(0, 300) : line);
        if (tail.size() > 5) {
          tail.removeFirst();
        }
      }
    }
  }
}
