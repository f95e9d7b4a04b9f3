package io.cta.cli.http;

import io.cta.cli.CliException;
import io.cta.cli.ExitCode;

/** A refused request: its HTTP status and the problem detail's {@code detail}, in words. */
public final class ApiError extends CliException {

  private final int status;
  private final String detail;

  public ApiError(int status, String detail, String message, boolean starting) {
    super(ExitCode.ofHttpStatus(status, starting), message);
    this.status = status;
    this.detail = detail;
  }

  public int status() {
    return status;
  }

  /** The problem detail's {@code detail}: names the field for a refused definition. */
  public String detail() {
    return detail;
  }
}
