package io.cta.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;

/**
 * Whether an SSH machine can take work now (docs/agentless.md): its session opens (host key,
 * credential) and its host has what stages need. The answer is what the machine view shows: online,
 * or offline with the reason.
 */
public final class SshProbe {

  /**
   * @param reason why it is offline ({@link SshFailure} words); null when online
   * @param presentedKey the host key's fingerprint seen, to pin after trust on first use
   */
  public record Result(String reason, String presentedKey) {
    public boolean online() {
      return reason == null;
    }
  }

  private final SshSessions sessions;
  private final Duration timeout;

  public SshProbe(SshSessions sessions, Duration timeout) {
    this.sessions = sessions;
    this.timeout = timeout;
  }

  /** Probes over the machine's reused session; a failed probe closes it. */
  public Result probe(String machine, SshTarget target) {
    ClientSession session;
    try {
      session = sessions.session(machine, target);
    } catch (SshFailure e) {
      sessions.forget(machine);
      return new Result(e.getMessage(), null);
    }
    String presented = sessions.presentedKey(machine);
    try {
      ChannelExec check = RemoteShell.open(session, RemoteShell.SUITABLE);
      boolean ended =
          check
              .waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout)
              .contains(ClientChannelEvent.CLOSED);
      if (!ended) {
        check.close(true);
        sessions.forget(machine);
        return new Result(new SshFailure(SshFailure.Reason.TIMEOUT, null).getMessage(), presented);
      }
      Integer status = check.getExitStatus();
      if (status != null && status == 0) {
        return new Result(null, presented);
      }
      String missing = read(check.getInvertedOut());
      return new Result(
          new SshFailure(SshFailure.Reason.UNSUITABLE, missing.strip()).getMessage(), presented);
    } catch (IOException e) {
      sessions.forget(machine);
      return new Result(
          new SshFailure(SshFailure.Reason.UNREACHABLE, e.getClass().getSimpleName()).getMessage(),
          presented);
    }
  }

  private static String read(InputStream in) throws IOException {
    return new String(in.readNBytes(512), StandardCharsets.UTF_8);
  }
}
