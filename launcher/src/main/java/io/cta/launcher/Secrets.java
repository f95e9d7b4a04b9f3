package io.cta.launcher;

import java.security.SecureRandom;
import java.util.Base64;

/** Random secrets in the same form as the server's tokens. */
final class Secrets {

  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  static String newToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return "cta_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** A key of the secret store: base64 of 32 random bytes, as {@code openssl rand -base64 32}. */
  static String newKey() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }
}
