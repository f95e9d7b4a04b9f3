package io.cta.cli;

/** The process exit codes of {@code cta}, as documented in docs/cli.md ("Exit codes"). */
public enum ExitCode {
  /** Every test ok, or a command that is not a run succeeded. */
  OK(0),
  /** Some test failed. */
  FAILED(1),
  /** A usage error, or a definition or request the server refused as invalid. */
  USAGE(2),
  /** Only partial or inconclusive results besides ok ones. */
  PARTIAL(3),
  /** No token, or the server refused it (401) or its role (403). */
  AUTH(4),
  /** The execution timed out, was canceled or ended in error; wins over {@link #FAILED}. */
  ENDED_BADLY(5),
  /** Could not start: unknown scenario, concurrency limit, server unreachable or 429. */
  NOT_STARTED(6);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /**
   * The code for an ended execution: its state decides first (anything but {@code finished} is
   * {@link #ENDED_BADLY}), then its result, the worst status of its tests.
   */
  public static ExitCode ofExecution(String state, String result) {
    if (!"finished".equals(state)) {
      return ENDED_BADLY;
    }
    if (result == null || result.isEmpty() || result.equals("ok") || result.equals("null")) {
      return OK;
    }
    return switch (result) {
      case "failed" -> FAILED;
      case "partial", "inconclusive" -> PARTIAL;
      default -> FAILED;
    };
  }

  /**
   * The code for a refused request. {@code starting} marks a request that starts an execution,
   * where "not found", a conflict (the concurrency limit) and an unavailable server all mean it
   * could not start.
   */
  public static ExitCode ofHttpStatus(int status, boolean starting) {
    if (status == 401 || status == 403) {
      return AUTH;
    }
    if (status == 429 || status >= 500) {
      return NOT_STARTED;
    }
    if (starting && (status == 404 || status == 409)) {
      return NOT_STARTED;
    }
    return USAGE;
  }
}
