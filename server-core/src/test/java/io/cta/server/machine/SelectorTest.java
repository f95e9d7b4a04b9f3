package io.cta.server.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SelectorTest {

  private static final Map<String, String> LINUX_LAB =
      Map.of("os", "linux", "browser", "chrome", "cores", "8", "host", "lab-07");

  private static boolean matches(String selector, Map<String, String> properties) {
    return Selector.parse(selector).matches(properties);
  }

  @Test
  void givenTheDesignExample_whenMatching_thenSetsNegationAndExistenceWork() {
    String selector = "os in (linux,macos),browser!=ie,!legacy";
    assertTrue(matches(selector, LINUX_LAB));
    assertFalse(matches(selector, Map.of("os", "windows", "browser", "chrome")));
    assertFalse(matches(selector, Map.of("os", "linux", "browser", "ie")));
    assertFalse(matches(selector, Map.of("os", "macos", "legacy", "true")));
  }

  @Test
  void givenNumericComparisons_whenMatching_thenValuesCompareAsNumbers() {
    assertTrue(matches("cores>=8", LINUX_LAB));
    assertTrue(matches("cores > 4", LINUX_LAB));
    assertFalse(matches("cores<8", LINUX_LAB));
    assertTrue(matches("cores<=8.0", LINUX_LAB));
    assertFalse(matches("cores>=8", Map.of("cores", "many")), "a non-numeric value never compares");
    assertFalse(matches("cores>=8", Map.of()), "a missing property never compares");
    assertTrue(matches("cores>=10", Map.of("cores", "16")), "16 > 10 numerically, not as text");
  }

  @Test
  void givenWildcards_whenMatching_thenStarMatchesAnyCharacters() {
    assertTrue(matches("host=lab-*", LINUX_LAB));
    assertTrue(matches("host=*-07", LINUX_LAB));
    assertFalse(matches("host=ci-*", LINUX_LAB));
    assertTrue(matches("host notin (ci-*, build-*)", LINUX_LAB));
    assertFalse(matches("host=lab.*", LINUX_LAB), "dots are literal");
  }

  @Test
  void givenEqualityForms_whenMatching_thenSingleAndDoubleEqualsAgree() {
    assertTrue(matches("os=linux", LINUX_LAB));
    assertTrue(matches("os==linux", LINUX_LAB));
    assertTrue(matches("os", LINUX_LAB));
    assertTrue(matches("gpu!=nvidia", LINUX_LAB), "!= holds for a missing property");
  }

  @Test
  void givenMalformedSelectors_whenParsing_thenTheErrorGivesThePosition() {
    assertEquals(12, position("os in (linux"));
    assertEquals(7, position("cores>=many"));
    assertEquals(3, position("os linux"));
    assertEquals(10, position("os=linux, "));
    assertEquals(0, position(""));
    assertEquals(0, position("=linux"));
    assertTrue(
        assertThrows(Selector.InvalidSelectorException.class, () -> Selector.parse("cores>=many"))
            .getMessage()
            .contains("expected a number"));
  }

  private static int position(String selector) {
    return assertThrows(Selector.InvalidSelectorException.class, () -> Selector.parse(selector))
        .position();
  }
}
