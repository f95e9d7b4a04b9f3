package io.cta.server.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SecretCipherTest {

  private static final byte[] KEY = key(1);
  private static final String VALUE = "p@ss wörd ✓";

  static byte[] key(int fill) {
    byte[] key = new byte[SecretCipher.KEY_BYTES];
    Arrays.fill(key, (byte) fill);
    return key;
  }

  @Test
  void givenAValue_whenSealedAndOpened_thenItComesBackAndTheCiphertextHoldsNoPlainText() {
    SecretCipher cipher = new SecretCipher(KEY);

    SecretCipher.Sealed sealed = cipher.seal("db", VALUE);

    assertEquals(VALUE, cipher.open("db", sealed));
    assertEquals(12, sealed.nonce().length);
    assertEquals(cipher.keyId(), sealed.keyId());
    assertFalse(
        new String(sealed.ciphertext(), StandardCharsets.ISO_8859_1).contains("p@ss"),
        "ciphertext holds plain text");
  }

  @Test
  void givenOneValue_whenSealedTwice_thenNoncesAndCiphertextsDiffer() {
    SecretCipher cipher = new SecretCipher(KEY);

    SecretCipher.Sealed first = cipher.seal("db", VALUE);
    SecretCipher.Sealed second = cipher.seal("db", VALUE);

    assertFalse(Arrays.equals(first.nonce(), second.nonce()));
    assertFalse(Arrays.equals(first.ciphertext(), second.ciphertext()));
  }

  @Test
  void givenATamperedCiphertext_whenOpened_thenRefused() {
    SecretCipher cipher = new SecretCipher(KEY);
    SecretCipher.Sealed sealed = cipher.seal("db", VALUE);
    byte[] tampered = sealed.ciphertext().clone();
    tampered[0] ^= 1;

    assertThrows(
        SecretUnreadableException.class,
        () -> cipher.open("db", new SecretCipher.Sealed(sealed.keyId(), sealed.nonce(), tampered)));
  }

  @Test
  void givenAValueSealedForOneName_whenOpenedAsAnother_thenRefused() {
    SecretCipher cipher = new SecretCipher(KEY);

    SecretCipher.Sealed sealed = cipher.seal("db", VALUE);

    assertThrows(SecretUnreadableException.class, () -> cipher.open("api", sealed));
  }

  @Test
  void givenAValueSealedWithOneKey_whenOpenedWithAnother_thenRefusedWithoutTheValue() {
    SecretCipher.Sealed sealed = new SecretCipher(KEY).seal("db", VALUE);
    SecretCipher other = new SecretCipher(key(2));
    SecretCipher.Sealed relabelled =
        new SecretCipher.Sealed(other.keyId(), sealed.nonce(), sealed.ciphertext());

    SecretUnreadableException wrongId =
        assertThrows(SecretUnreadableException.class, () -> other.open("db", sealed));
    assertThrows(SecretUnreadableException.class, () -> other.open("db", relabelled));
    assertFalse(wrongId.getMessage().contains(VALUE));
  }

  @Test
  void givenTwoKeys_whenTheirIdsAreTaken_thenTheyDifferAndRevealNoKeyBytes() {
    String id = new SecretCipher(KEY).keyId();

    assertNotEquals(id, new SecretCipher(key(2)).keyId());
    assertEquals(16, id.length());
    assertFalse(id.contains("0101"));
  }

  @Test
  void givenAKeyOfTheWrongLength_whenUsed_thenRefused() {
    assertThrows(IllegalArgumentException.class, () -> new SecretCipher(new byte[16]));
  }
}
