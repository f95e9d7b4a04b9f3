package io.cta.server.error;

/** What the request names does not exist. */
public final class NotFoundException extends CtaException {

  /** The usual wording: {@code machine 'm1' does not exist}. */
  public NotFoundException(String what, String id) {
    super(what + " '" + id + "' does not exist");
  }

  /** For when the usual wording does not say enough. */
  public NotFoundException(String detail) {
    super(detail);
  }
}
