package io.cta.server.secret;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The current key of the secret store and the previous ones still accepted for reading. No key at
 * all is allowed: the secret endpoints then answer 503 and everything else works. A key that is
 * configured but unusable stops the start, naming where it came from, never its content.
 */
@Component
public class SecretKeys {

  private final SecretCipher current;
  private final Map<String, SecretCipher> byId = new LinkedHashMap<>();

  SecretKeys(SecretProperties properties) {
    this.current = currentKey(properties).orElse(null);
    if (current != null) {
      byId.put(current.keyId(), current);
    }
    int i = 0;
    for (String key : properties.previousKeys()) {
      add(decode(key, "cta.secrets.previous-keys[" + i++ + "] (CTA_SECRET_PREVIOUS_KEYS)"));
    }
    for (Path file : properties.previousKeyFiles()) {
      add(read(file));
    }
  }

  /** Keys given directly, for tests and tools. */
  public static SecretKeys of(byte[] current, byte[]... previous) {
    SecretKeys keys =
        new SecretKeys(new SecretProperties(encode(current), null, java.util.List.of(), null));
    for (byte[] key : previous) {
      keys.add(new SecretCipher(key));
    }
    return keys;
  }

  public boolean configured() {
    return current != null;
  }

  /** The key that seals new values. */
  public SecretCipher current() {
    if (current == null) {
      throw new SecretsUnavailableException();
    }
    return current;
  }

  /** The key with this id, current or previous. */
  public Optional<SecretCipher> byId(String keyId) {
    return Optional.ofNullable(byId.get(keyId));
  }

  private void add(SecretCipher cipher) {
    byId.putIfAbsent(cipher.keyId(), cipher);
  }

  private static Optional<SecretCipher> currentKey(SecretProperties properties) {
    if (properties.key() != null) {
      return Optional.of(decode(properties.key(), "cta.secrets.key (CTA_SECRET_KEY)"));
    }
    if (properties.keyFile() != null) {
      return Optional.of(read(properties.keyFile()));
    }
    return Optional.empty();
  }

  private static SecretCipher read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the secret key file " + file + ": " + e);
    }
    return decode(text, "the secret key file " + file);
  }

  private static SecretCipher decode(String base64, String where) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(where + " is not base64 (openssl rand -base64 32)");
    }
    if (key.length != SecretCipher.KEY_BYTES) {
      throw new IllegalStateException(
          where
              + " must be base64 of "
              + SecretCipher.KEY_BYTES
              + " bytes (openssl rand -base64 32)");
    }
    return new SecretCipher(key);
  }

  private static String encode(byte[] key) {
    return key == null ? null : Base64.getEncoder().encodeToString(key);
  }
}
