package io.cta.server.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SecretReferencesTest {

  @Test
  void givenReferencesAloneAndInsideLongerStrings_whenParsed_thenEveryNameIsFoundOnce() {
    Set<String> names =
        SecretReferences.in("https://${secret:user}:${secret:db.pass}@host/${secret:user}");

    assertEquals(List.of("user", "db.pass"), List.copyOf(names));
    assertEquals(Set.of("token"), SecretReferences.in("${secret:token}"));
  }

  @Test
  void givenNoReference_whenParsed_thenNothing() {
    assertTrue(SecretReferences.in("$HOME ${other:x} plain").isEmpty());
    assertTrue(SecretReferences.in((String) null).isEmpty());
  }

  @Test
  void givenMalformedReferences_whenParsed_thenRefusedNamingTheReference() {
    IllegalArgumentException empty =
        assertThrows(IllegalArgumentException.class, () -> SecretReferences.in("${secret:}"));
    assertTrue(empty.getMessage().contains("'${secret:}'"), empty.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SecretReferences.in("${secret:a b}"));
    assertThrows(IllegalArgumentException.class, () -> SecretReferences.in("${secret:a/b}"));
    assertThrows(IllegalArgumentException.class, () -> SecretReferences.in("x ${secret:open"));
    assertThrows(
        IllegalArgumentException.class, () -> SecretReferences.in("${secret:ok} ${secret:"));
  }
}
