package io.cta.ssh;

/**
 * Why the runner could not reach or use an SSH machine, in the words its machine view shows when it
 * is offline (docs/agentless.md).
 */
public final class SshFailure extends Exception {

  /** The reasons an operator acts on differently. */
  public enum Reason {
    REFUSED("connection refused"),
    AUTHENTICATION_FAILED("authentication failed"),
    HOST_KEY_CHANGED("host key changed"),
    TIMEOUT("timeout"),
    UNREACHABLE("unreachable"),
    /** Connected, but the host lacks what stages need (a POSIX shell, setsid, kill). */
    UNSUITABLE("host unsuitable");

    private final String words;

    Reason(String words) {
      this.words = words;
    }

    public String words() {
      return words;
    }
  }

  private final Reason reason;

  public SshFailure(Reason reason, String detail) {
    super(reason.words() + (detail == null || detail.isBlank() ? "" : ": " + detail));
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
