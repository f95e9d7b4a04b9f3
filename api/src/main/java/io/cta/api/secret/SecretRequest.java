package io.cta.api.secret;

/**
 * A new secret, or (for a {@code PUT}) a secret's new value; {@code name} is taken from the path
 * there. The value is write-only: no answer, problem or log line ever holds it.
 */
record SecretRequest(String name, String value) {

  /** Without the value, should the record ever be printed. */
  @Override
  public String toString() {
    return "SecretRequest[name=" + name + "]";
  }
}
