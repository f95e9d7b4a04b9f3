package io.cta.server.secret;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A stored secret: its value only as AES-GCM ciphertext ({@link SecretCipher}).
 *
 * @param name the secret's name, unique (a machine-name-like identifier)
 * @param ciphertext the sealed value with its GCM tag
 * @param nonce the 12 random bytes it was sealed with
 * @param keyId which key sealed it (the start of the key's SHA-256, never the key)
 */
@Document("secrets")
public record SecretDocument(
    @Id String name,
    byte[] ciphertext,
    byte[] nonce,
    String keyId,
    Instant createdAt,
    Instant updatedAt) {

  SecretCipher.Sealed sealed() {
    return new SecretCipher.Sealed(keyId, nonce, ciphertext);
  }

  /** Without ciphertext, nonce and key id, so nothing of the value leaves by accident. */
  @Override
  public String toString() {
    return "SecretDocument[name="
        + name
        + ", createdAt="
        + createdAt
        + ", updatedAt="
        + updatedAt
        + "]";
  }
}
