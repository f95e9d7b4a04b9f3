package io.cta.ssh;

import io.cta.activities.agent.StageSpec;
import io.cta.testrunner.mask.Masker;
import io.cta.testrunner.stage.OutputPump;
import io.cta.testrunner.stage.OutputTail;
import io.cta.testrunner.stage.Stages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a test's stages on an SSH machine over one session (docs/agentless.md): each stage as a
 * {@link Stages.Runner}, with its variables, working directory and timeout, in a process group of
 * its own. A cancel (the heartbeat throwing) or a timeout runs the stage's stop command, then ends
 * the whole group and checks over another channel that nothing of it is left. Output goes through
 * the agent's {@link OutputPump} and {@link Masker}.
 */
public final class RemoteStages {

  /** Where a stage's masked output goes: its stage, {@code stdout} or {@code stderr}, the text. */
  @FunctionalInterface
  public interface Output {
    void log(String stage, String stream, String text);
  }

  /** Called at least every {@value #POLL_MILLIS} ms while a stage runs; throws to cancel it. */
  @FunctionalInterface
  public interface Heartbeat {
    void beat();
  }

  private static final Logger log = LoggerFactory.getLogger(RemoteStages.class);
  static final long POLL_MILLIS = 200;
  private static final int MAX_PGID_LINE = 32;

  private final ClientSession session;
  private final String workDir;
  private final Masker masker;
  private final Output output;
  private final Heartbeat heartbeat;
  private final Duration killGrace;
  private volatile long lastGroup = -1;

  /**
   * @param workDir the test's directory on the host (relative ones are under the user's home)
   * @param killGrace between SIGTERM and SIGKILL
   */
  public RemoteStages(
      ClientSession session,
      String workDir,
      Masker masker,
      Output output,
      Heartbeat heartbeat,
      Duration killGrace) {
    this.session = session;
    this.workDir = workDir;
    this.masker = masker;
    this.output = output;
    this.heartbeat = heartbeat;
    this.killGrace = killGrace;
  }

  /** The same stages over another session of the same host (a second connection). */
  public RemoteStages withSession(ClientSession other) {
    return new RemoteStages(other, workDir, masker, output, heartbeat, killGrace);
  }

  /** The process group of the last stage started (for checks); -1 before any. */
  public long lastGroup() {
    return lastGroup;
  }

  /**
   * Runs one stage with {@code env} (its own variables, secrets resolved, and CTA's); null when it
   * passed, else why it failed. A cancel is rethrown after the stage's group is gone.
   */
  public String run(StageSpec stage, String stageName, Map<String, String> env)
      throws InterruptedException {
    String script;
    try {
      script = RemoteShell.stage(workDir, stage, env, stage.run(), true);
    } catch (IllegalArgumentException e) {
      return Stages.couldNotStart(stageName, e.getMessage());
    }
    ChannelExec channel;
    InputStream stdout;
    long group;
    try {
      channel = open(script);
      stdout = channel.getInvertedOut();
      String first = firstLine(stdout);
      if (first == null || !first.matches("[0-9]{1,10}")) {
        String why = drain(channel.getInvertedErr());
        channel.close(true);
        return Stages.couldNotStart(
            stageName,
            "the host did not start it in a process group of its own (is setsid installed?)"
                + (why.isBlank() ? "" : ": " + masker.mask(why.strip())));
      }
      group = Long.parseLong(first);
      lastGroup = group;
    } catch (IOException e) {
      return Stages.couldNotStart(stageName, e.getMessage());
    }
    OutputTail tail = new OutputTail();
    Thread out = pump(stdout, stageName, "stdout", tail);
    Thread err = pump(channel.getInvertedErr(), stageName, "stderr", tail);
    long deadline = System.currentTimeMillis() + stage.timeoutMs();
    Set<ClientChannelEvent> ended = EnumSet.of(ClientChannelEvent.CLOSED);
    try {
      while (channel.waitFor(ended, POLL_MILLIS).stream().noneMatch(ended::contains)) {
        heartbeat.beat();
        if (System.currentTimeMillis() > deadline) {
          end(stage, stageName, env, group);
          out.join(2000);
          err.join(2000);
          return Stages.timedOut(stageName, stage.timeoutMs());
        }
      }
    } catch (RuntimeException canceled) {
      output.log(
          stageName, "stderr", "[CTA: stopping: " + canceled.getClass().getSimpleName() + "]\n");
      end(stage, stageName, env, group);
      throw canceled;
    }
    out.join(5000);
    err.join(5000);
    Integer exit = channel.getExitStatus();
    if (exit == null) {
      return "stage '" + stageName + "' ended without an exit status (the connection was lost)";
    }
    if (exit == RemoteShell.NO_WORKING_DIR) {
      return Stages.couldNotStart(
          stageName, "cannot enter " + RemoteShell.directory(workDir, stage) + ": " + tail.text());
    }
    return exit == 0 ? null : Stages.exited(stageName, exit, tail.text());
  }

  /** The stop command (bounded), then the whole group, checked gone over another channel. */
  private void end(StageSpec stage, String stageName, Map<String, String> env, long group) {
    if (Stages.hasStop(stage)) {
      try {
        ChannelExec stopper = open(RemoteShell.stage(workDir, stage, env, stage.stop(), false));
        long until = System.currentTimeMillis() + Stages.STOP_TIMEOUT_MILLIS;
        while (stopper.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), POLL_MILLIS).stream()
                .noneMatch(ClientChannelEvent.CLOSED::equals)
            && System.currentTimeMillis() < until) {
          keepAlive();
        }
        stopper.close(true);
      } catch (IOException | RuntimeException e) {
        log.warn("stop command of stage '{}' failed: {}", stageName, e.toString());
      }
    }
    int tenths = (int) Math.max(0, killGrace.toMillis() / 100);
    Integer status = exitOf(RemoteShell.killGroup(group, tenths), tenths + 100);
    String note =
        status != null && status == 0
            ? "[CTA: process group " + group + " ended]\n"
            : "[CTA: process group " + group + " may still run (check exit " + status + ")]\n";
    output.log(stageName, "stderr", note);
  }

  /** Whether a live process is left in {@code group}, asked over a channel of its own. */
  public boolean groupAlive(long group) {
    Integer status = exitOf(RemoteShell.groupAlive(group), 100);
    return status == null || status == 0;
  }

  /** Runs a short script and answers its exit status; null when it did not end in time. */
  private Integer exitOf(String script, int tenths) {
    try {
      ChannelExec channel = open(script);
      long until = System.currentTimeMillis() + tenths * 100L + 5_000;
      while (channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), POLL_MILLIS).stream()
              .noneMatch(ClientChannelEvent.CLOSED::equals)
          && System.currentTimeMillis() < until) {
        keepAlive();
      }
      Integer status = channel.getExitStatus();
      channel.close(true);
      return status;
    } catch (IOException e) {
      log.warn("could not reach the host to end a stage: {}", e.toString());
      return null;
    }
  }

  /** A cancel arriving while a stage is being stopped changes nothing: it is stopping. */
  private void keepAlive() {
    try {
      heartbeat.beat();
    } catch (RuntimeException alreadyStopping) {
      // ignored: the stop goes on either way
    }
  }

  private ChannelExec open(String script) throws IOException {
    return RemoteShell.open(session, script);
  }

  /** The first line, read byte by byte so that the rest stays in the stream; null at its end. */
  private static String firstLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0 || line.size() > MAX_PGID_LINE) {
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
      }
      line.write(b);
    }
    return line.toString(StandardCharsets.UTF_8).strip();
  }

  private static String drain(InputStream in) throws IOException {
    return new String(in.readNBytes(4096), StandardCharsets.UTF_8);
  }

  private Thread pump(InputStream stream, String stage, String name, OutputTail tail) {
    Thread thread =
        new Thread(
            new OutputPump(stream, masker, text -> output.log(stage, name, text), tail.feed()),
            "cta-ssh-" + name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
