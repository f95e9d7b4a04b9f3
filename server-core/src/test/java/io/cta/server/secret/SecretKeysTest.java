package io.cta.server.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where keys come from: the setting, a file, previous keys; a bad key stops the start. */
class SecretKeysTest {

  @TempDir Path dir;

  private static String base64(int fill) {
    return Base64.getEncoder().encodeToString(SecretCipherTest.key(fill));
  }

  @Test
  void givenNoKey_whenBuilt_thenTheStoreIsOffAndSaysHowToTurnItOn() {
    SecretKeys keys = new SecretKeys(new SecretProperties(" ", Path.of(""), List.of(""), null));

    assertFalse(keys.configured());
    SecretsUnavailableException off =
        assertThrows(SecretsUnavailableException.class, keys::current);
    assertTrue(off.getMessage().contains("CTA_SECRET_KEY"), off.getMessage());
  }

  @Test
  void givenAKeyFileAndAPreviousKey_whenBuilt_thenTheFileIsCurrentAndBothOpenValues()
      throws Exception {
    Path file = dir.resolve("secret-key");
    Files.writeString(file, base64(1) + "\n");

    SecretKeys keys =
        new SecretKeys(new SecretProperties(null, file, List.of(base64(2)), List.of()));

    SecretCipher old = new SecretCipher(SecretCipherTest.key(2));
    assertEquals(new SecretCipher(SecretCipherTest.key(1)).keyId(), keys.current().keyId());
    assertTrue(keys.byId(old.keyId()).isPresent());
  }

  @Test
  void givenTheSettingAndAFile_whenBuilt_thenTheSettingWins() throws Exception {
    Path file = dir.resolve("secret-key");
    Files.writeString(file, base64(1));

    SecretKeys keys = new SecretKeys(new SecretProperties(base64(3), file, null, null));

    assertEquals(new SecretCipher(SecretCipherTest.key(3)).keyId(), keys.current().keyId());
  }

  @Test
  void givenAKeyOfTheWrongSize_whenBuilt_thenTheStartStopsWithoutShowingIt() {
    String tooShort = Base64.getEncoder().encodeToString("sixteen-byte-key".getBytes());

    IllegalStateException refused =
        assertThrows(
            IllegalStateException.class,
            () -> new SecretKeys(new SecretProperties(tooShort, null, null, null)));

    assertTrue(refused.getMessage().contains("CTA_SECRET_KEY"), refused.getMessage());
    assertFalse(refused.getMessage().contains(tooShort), refused.getMessage());
  }
}
