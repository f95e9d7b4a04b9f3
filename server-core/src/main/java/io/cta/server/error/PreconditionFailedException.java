package io.cta.server.error;

/** A conditional write ({@code If-Match}) whose thing has changed since the caller read it. */
public final class PreconditionFailedException extends CtaException {

  public PreconditionFailedException(String detail) {
    super(detail);
  }
}
