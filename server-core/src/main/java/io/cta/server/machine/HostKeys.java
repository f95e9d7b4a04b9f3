package io.cta.server.machine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Set;

/**
 * A pinned SSH host key as an operator gives it (docs/agentless.md, "Host keys"): a {@code
 * known_hosts} line (host patterns optional, as {@code ssh-keyscan} prints it) or an OpenSSH {@code
 * SHA256:} fingerprint. Either way the pin is the key's fingerprint, which is what the runner
 * compares with the key the host presents.
 */
public final class HostKeys {

  /** Key types the SSH runner verifies (those of the credentials it supports). */
  public static final Set<String> TYPES =
      Set.of(
          "ssh-ed25519",
          "ecdsa-sha2-nistp256",
          "ecdsa-sha2-nistp384",
          "ecdsa-sha2-nistp521",
          "ssh-rsa");

  /** Longest pin accepted: an RSA 16384-bit key line fits. */
  public static final int MAX_LENGTH = 4096;

  private static final String PREFIX = "SHA256:";

  private HostKeys() {}

  /** The pin is not a known_hosts line or SHA256 fingerprint; the message says why. */
  public static final class InvalidHostKeyException extends IllegalArgumentException {
    InvalidHostKeyException(String message) {
      super(message);
    }
  }

  /**
   * The {@code SHA256:} fingerprint of the pin.
   *
   * @throws InvalidHostKeyException when the pin is neither form, names a type outside {@link
   *     #TYPES}, or carries a marker ({@code @cert-authority}, {@code @revoked})
   */
  public static String fingerprint(String pin) {
    if (pin == null || pin.isBlank()) {
      throw new InvalidHostKeyException("empty");
    }
    if (pin.length() > MAX_LENGTH) {
      throw new InvalidHostKeyException("longer than " + MAX_LENGTH + " characters");
    }
    String text = pin.strip();
    if (text.startsWith(PREFIX)) {
      String digest = text.substring(PREFIX.length());
      byte[] bytes = decode(digest.endsWith("=") ? digest : digest + "=");
      if (bytes == null || bytes.length != 32) {
        throw new InvalidHostKeyException("a SHA256 fingerprint is 43 base64 characters");
      }
      return PREFIX + Base64.getEncoder().withoutPadding().encodeToString(bytes);
    }
    String[] fields = text.split("\\s+");
    if (fields[0].startsWith("@")) {
      throw new InvalidHostKeyException(
          "markers such as " + fields[0] + " are not supported: pin the host's own key");
    }
    for (int i = 0; i + 1 < fields.length && i < 2; i++) {
      if (TYPES.contains(fields[i])) {
        return PREFIX + digest(blob(fields[i], fields[i + 1]));
      }
    }
    throw new InvalidHostKeyException(
        "use a known_hosts line ('[host] <type> <base64 key>', type one of "
            + TYPES.stream().sorted().toList()
            + ") or a 'SHA256:' fingerprint");
  }

  /** The key blob of a {@code type base64} pair, checked to be a key of that type. */
  private static byte[] blob(String type, String base64) {
    byte[] blob = decode(base64);
    if (blob == null || blob.length < 4) {
      throw new InvalidHostKeyException("the key is not base64");
    }
    ByteBuffer buffer = ByteBuffer.wrap(blob);
    int length = buffer.getInt();
    if (length < 0 || length > buffer.remaining()) {
      throw new InvalidHostKeyException("the key is not an SSH public key");
    }
    byte[] name = new byte[length];
    buffer.get(name);
    if (!type.equals(new String(name, StandardCharsets.US_ASCII))) {
      throw new InvalidHostKeyException("the key is not of type " + type);
    }
    return blob;
  }

  private static byte[] decode(String base64) {
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String digest(byte[] blob) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(blob);
      return Base64.getEncoder().withoutPadding().encodeToString(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
