package io.cta.server.secret;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM with one key. Every value gets a fresh random 12-byte nonce, so sealing one value
 * twice gives two unrelated ciphertexts; the secret's name is the associated data, so a ciphertext
 * copied to another name does not open. The key id ({@link #keyId()}) tells which key sealed a
 * value without revealing the key.
 */
public final class SecretCipher {

  /** AES-256. */
  public static final int KEY_BYTES = 32;

  static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;
  private final String keyId;

  /** A value as stored: which key sealed it, its nonce and its ciphertext (with the GCM tag). */
  public record Sealed(String keyId, byte[] nonce, byte[] ciphertext) {}

  public SecretCipher(byte[] key) {
    if (key == null || key.length != KEY_BYTES) {
      throw new IllegalArgumentException("a secret key must be " + KEY_BYTES + " bytes");
    }
    this.key = new SecretKeySpec(key.clone(), "AES");
    this.keyId = keyId(key);
  }

  /**
   * The first 8 bytes of the key's SHA-256, in hex: enough to tell keys apart, useless to find one.
   */
  static String keyId(byte[] key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException("SHA-256 is part of every JDK", impossible);
    }
  }

  public String keyId() {
    return keyId;
  }

  public Sealed seal(String name, String value) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(name.getBytes(StandardCharsets.UTF_8));
      return new Sealed(keyId, nonce, cipher.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is part of every JDK", e);
    }
  }

  /**
   * The value sealed for {@code name}; refuses (without saying more) a value sealed by another key,
   * for another name, or changed since.
   */
  public String open(String name, Sealed sealed) {
    if (!keyId.equals(sealed.keyId())) {
      throw new SecretUnreadableException(name, "it was sealed by key " + sealed.keyId());
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed.nonce()));
      cipher.updateAAD(name.getBytes(StandardCharsets.UTF_8));
      return new String(cipher.doFinal(sealed.ciphertext()), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      // The cause is not kept: it says nothing useful and must not carry any of the value.
      throw new SecretUnreadableException(name, "it does not authenticate with key " + keyId);
    }
  }
}
