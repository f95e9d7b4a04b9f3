package io.cta.api.secret;

import io.cta.server.secret.SecretDocument;
import java.time.Instant;

/** A secret as every answer shows it: its name and dates, never its value. */
record SecretView(String name, Instant createdAt, Instant updatedAt) {

  static SecretView of(SecretDocument secret) {
    return new SecretView(secret.name(), secret.createdAt(), secret.updatedAt());
  }
}
