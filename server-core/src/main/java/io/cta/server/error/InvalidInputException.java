package io.cta.server.error;

/**
 * What the caller sent is not valid. The detail starts with the field or parameter at fault, as in
 * {@code "size: must be between 1 and 500"}.
 */
public final class InvalidInputException extends CtaException {

  public InvalidInputException(String detail) {
    super(detail);
  }
}
