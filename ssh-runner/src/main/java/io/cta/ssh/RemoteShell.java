package io.cta.ssh;

import io.cta.activities.agent.StageSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.session.ClientSession;

/**
 * The POSIX shell text the runner sends to an SSH machine's {@code /bin/sh -s} (docs/agentless.md,
 * "Setting up a host"). Sent on standard input rather than as the command line, so that variable
 * values (resolved secrets among them) never appear in the host's process list.
 */
final class RemoteShell {

  /** The command every channel runs: a shell reading its script from standard input. */
  static final String SHELL = "/bin/sh -s";

  /** Exit status of a stage whose working directory could not be made or entered. */
  static final int NO_WORKING_DIR = 125;

  private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private RemoteShell() {}

  /** A {@code /bin/sh -s} channel fed {@code script}, its standard input then closed. */
  static ChannelExec open(ClientSession session, String script) throws IOException {
    ChannelExec channel = session.createExecChannel(SHELL);
    channel.open().verify(Duration.ofSeconds(30));
    OutputStream in = channel.getInvertedIn();
    in.write(script.getBytes(StandardCharsets.UTF_8));
    in.flush();
    in.close();
    return channel;
  }

  /**
   * What a host must have for stages: a POSIX shell (this runs in one), {@code setsid}, and {@code
   * kill}; prints what is missing and exits 1.
   */
  static final String SUITABLE =
      """
      missing=""
      for tool in setsid kill mkdir; do
        command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
      done
      [ -z "$missing" ] && exit 0
      echo "missing:$missing"
      exit 1
      """;

  /** {@code text} as one shell word, whatever it holds. */
  static String quote(String text) {
    return "'" + text.replace("'", "'\"'\"'") + "'";
  }

  /** Where a stage runs: its absolute {@code cwd}, or its {@code cwd} under the work directory. */
  static String directory(String workDir, StageSpec stage) {
    String cwd = stage.cwd();
    if (cwd == null || cwd.isBlank()) {
      return workDir;
    }
    return cwd.startsWith("/") ? cwd : workDir + "/" + cwd;
  }

  /**
   * The stage's {@code command} in its working directory with its variables. With {@code ownGroup},
   * it runs as the leader of a new session and process group and prints that group's id as the
   * first line of its output, so that a cancel can end the whole tree; its own output follows. The
   * subshell is never a group leader, so {@code setsid} does not fork and the shell waits for the
   * stage itself.
   *
   * @throws IllegalArgumentException for a variable name the shell cannot export
   */
  static String stage(
      String workDir, StageSpec stage, Map<String, String> env, String command, boolean ownGroup) {
    StringBuilder script = new StringBuilder();
    String dir = quote(directory(workDir, stage));
    script
        .append("mkdir -p -- ")
        .append(dir)
        .append(" && cd -- ")
        .append(dir)
        .append(" || exit ")
        .append(NO_WORKING_DIR)
        .append('\n');
    for (Map.Entry<String, String> variable : env.entrySet()) {
      if (!VARIABLE.matcher(variable.getKey()).matches()) {
        throw new IllegalArgumentException(
            "variable '" + variable.getKey() + "' is not a POSIX shell name");
      }
      script
          .append("export ")
          .append(variable.getKey())
          .append('=')
          .append(quote(variable.getValue()))
          .append('\n');
    }
    if (ownGroup) {
      script
          .append("(exec setsid /bin/sh -c 'echo \"$$\"; exec /bin/sh -c \"$1\"' cta-stage ")
          .append(quote(command))
          .append(") </dev/null\n");
    } else {
      script.append("/bin/sh -c ").append(quote(command)).append(" </dev/null >/dev/null 2>&1\n");
    }
    return script.toString();
  }

  /**
   * A shell function: whether a live process is left in group {@code $p} (zombies waiting for their
   * parent do not count). {@code ps} where the host has it, else {@code kill -0}.
   */
  private static final String ALIVE =
      """
      alive() {
        if s=$(ps -e -o pgid= -o stat= 2>/dev/null); then
          printf '%s\\n' "$s" | awk -v p="$p" '$1 == p && $2 !~ /^Z/ { f = 1 } END { exit !f }'
        else
          kill -0 -"$p" 2>/dev/null
        fi
      }
      """;

  /**
   * Ends process group {@code pgid}: SIGTERM, up to {@code graceTenths} tenths of a second for it
   * to go, then SIGKILL, then checks that no live process is left in it. Exits 0 when the group is
   * gone, 3 when a process survived.
   */
  static String killGroup(long pgid, int graceTenths) {
    return "p="
        + pgid
        + "\n"
        + ALIVE
        + """
        kill -TERM -"$p" 2>/dev/null
        i=0
        while alive && [ "$i" -lt %d ]; do i=$((i + 1)); sleep 0.1; done
        kill -KILL -"$p" 2>/dev/null
        i=0
        while alive; do
          i=$((i + 1))
          [ "$i" -ge 50 ] && exit 3
          sleep 0.1
        done
        exit 0
        """
            .formatted(graceTenths);
  }

  /** Exits 0 when a live process is left in group {@code pgid}, else 1. */
  static String groupAlive(long pgid) {
    return "p=" + pgid + "\n" + ALIVE + "alive\n";
  }
}
