package io.cta.server.error;

/**
 * The caller may not do this: its role, the machine its token speaks for, or an execution that has
 * ended does not allow it.
 */
public final class ForbiddenException extends CtaException {

  public ForbiddenException(String detail) {
    super(detail);
  }
}
