package io.cta.server.error;

/** What the caller sends is larger than a limit allows; the detail names the limit. */
public final class TooLargeException extends CtaException {

  public TooLargeException(String detail) {
    super(detail);
  }
}
