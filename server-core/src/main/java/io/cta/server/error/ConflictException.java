package io.cta.server.error;

/**
 * The request is valid but the current state refuses it: a limit is reached, a thing is in use, or
 * something it depends on is gone.
 */
public final class ConflictException extends CtaException {

  public ConflictException(String detail) {
    super(detail);
  }
}
