package io.cta.server.error;

/** The caller holds as many of something as it may at once (live sessions, for example). */
public final class TooManyRequestsException extends CtaException {

  public TooManyRequestsException(String detail) {
    super(detail);
  }
}
