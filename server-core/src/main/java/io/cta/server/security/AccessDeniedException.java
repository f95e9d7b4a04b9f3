package io.cta.server.security;

/** The caller's role may not do this; answered 403 by the problem mapping. */
public class AccessDeniedException extends RuntimeException {

  public AccessDeniedException(String message) {
    super(message);
  }
}
