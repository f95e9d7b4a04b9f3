package io.cta.agent.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cta.activities.agent.StageSpec;
import io.cta.activities.agent.TestSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SecretReferencesTest {

  private static TestSpec test(Map<String, String> first, Map<String, String> second) {
    return new TestSpec(
        "t1",
        "t1",
        "commandLine",
        List.of(),
        List.of(
            new StageSpec("a", "true", null, null, first, true, 1000),
            new StageSpec("b", "true", null, null, second, true, 1000)));
  }

  @Test
  void givenReferencesInsideLongerValuesOfSeveralStages_whenCollected_thenEachNameOnce() {
    TestSpec test =
        test(
            Map.of("URL", "jdbc:pg://db/app?user=${secret:DB_USER}&password=${secret:DB_PASSWORD}"),
            Map.of("TOKEN", "${secret:api.token-1}", "AGAIN", "x${secret:DB_USER}y"));

    assertEquals(Set.of("DB_USER", "DB_PASSWORD", "api.token-1"), SecretReferences.in(test));
  }

  @Test
  void givenTextThatIsNotAReference_whenCollected_thenItIsIgnored() {
    TestSpec test =
        test(
            Map.of("A", "${HOME}", "B", "${secret:}", "C", "${secret:has space}"),
            Map.of("D", "$secret:X", "E", "${secret:" + "n".repeat(129) + "}"));

    assertEquals(Set.of(), SecretReferences.in(test));
  }

  @Test
  void givenResolvedValues_whenAValueIsResolved_thenEveryReferenceIsReplacedLiterally() {
    Map<String, String> values = Map.of("U", "admin", "P", "p$1\\x");

    assertEquals(
        "user=admin;password=p$1\\x;home=${HOME}",
        SecretReferences.resolve("user=${secret:U};password=${secret:P};home=${HOME}", values));
  }

  @Test
  void givenAReferenceThatWasNotResolved_whenResolving_thenItFailsRatherThanGiveAnEmptyValue() {
    assertThrows(
        IllegalStateException.class, () -> SecretReferences.resolve("pw=${secret:GONE}", Map.of()));
  }
}
