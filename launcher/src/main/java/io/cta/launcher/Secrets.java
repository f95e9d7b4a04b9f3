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
}
