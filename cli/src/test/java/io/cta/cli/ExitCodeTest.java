package io.cta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ExitCodeTest {

  @Test
  void givenEachEndOfAnExecution_whenMapped_thenTheDocumentedCodeComesBack() {
    assertEquals(0, ExitCode.ofExecution("finished", "ok").code());
    assertEquals(0, ExitCode.ofExecution("finished", null).code());
    assertEquals(1, ExitCode.ofExecution("finished", "failed").code());
    assertEquals(3, ExitCode.ofExecution("finished", "partial").code());
    assertEquals(3, ExitCode.ofExecution("finished", "inconclusive").code());
    // An execution that did not finish exits 5 whatever its results so far (5 wins over 1 and 3).
    for (String state : new String[] {"canceled", "timeout", "error"}) {
      for (String result : new String[] {null, "ok", "failed", "partial", "inconclusive"}) {
        assertEquals(5, ExitCode.ofExecution(state, result).code(), state + "/" + result);
      }
    }
  }

  @Test
  void givenEachRefusal_whenMapped_thenStartingAndOtherRequestsGetTheDocumentedCodes() {
    assertEquals(4, ExitCode.ofHttpStatus(401, true).code());
    assertEquals(4, ExitCode.ofHttpStatus(403, false).code());
    assertEquals(6, ExitCode.ofHttpStatus(429, false).code());
    assertEquals(6, ExitCode.ofHttpStatus(503, false).code());
    assertEquals(6, ExitCode.ofHttpStatus(404, true).code());
    assertEquals(6, ExitCode.ofHttpStatus(409, true).code());
    assertEquals(2, ExitCode.ofHttpStatus(404, false).code());
    assertEquals(2, ExitCode.ofHttpStatus(409, false).code());
    assertEquals(2, ExitCode.ofHttpStatus(400, true).code());
    assertEquals(2, ExitCode.ofHttpStatus(400, false).code());
  }

  @Test
  void givenDurationsInShortAndIsoForms_whenParsed_thenTheyAreRead() {
    assertEquals(java.time.Duration.ofMinutes(30), Durations.parse("30m"));
    assertEquals(java.time.Duration.ofSeconds(90), Durations.parse("90s"));
    assertEquals(java.time.Duration.ofMillis(500), Durations.parse("500ms"));
    assertEquals(java.time.Duration.ofHours(2), Durations.parse("PT2H"));
    org.junit.jupiter.api.Assertions.assertThrows(
        picocli.CommandLine.TypeConversionException.class, () -> Durations.parse("soon"));
  }
}
