package io.cta.server.error;

/** The caller may not do this: its role, or the machine its token speaks for, does not allow it. */
public final class ForbiddenException extends CtaException {

  public ForbiddenException(String detail) {
    super(detail);
  }
}
