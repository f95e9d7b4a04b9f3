package io.cta.testrunner.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cta.testrunner.mask.Masker;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Output capture: the pump, the failure message's last lines and the per-test cap. */
class OutputTest {

  @Test
  void givenOutputInPieces_whenFedToTheTail_thenItKeepsTheLastFiveCompleteLinesCut() {
    OutputTail tail = new OutputTail();
    OutputTail.Feed out = tail.feed();
    OutputTail.Feed err = tail.feed();

    out.accept("1\n2\n3");
    err.accept("e1\n");
    out.accept("-end\n4\n" + "x".repeat(400) + "\n");

    assertEquals("2\ne1\n3-end\n4\n" + "x".repeat(OutputTail.LINE_CHARS), tail.text());
    out.accept("no newline yet");
    assertEquals("2\ne1\n3-end\n4\n" + "x".repeat(OutputTail.LINE_CHARS), tail.text());
  }

  @Test
  void givenMoreOutputThanTheCap_whenAdmitted_thenTheFirstPieceOverIsAMarkerAndTheRestIsDropped() {
    OutputCap cap = new OutputCap();
    String half = "a".repeat((int) (OutputCap.PER_TEST_BYTES / 2));

    assertEquals(half, cap.admit(half));
    assertEquals(half.substring(1), cap.admit(half.substring(1)));
    assertEquals(
        "[output truncated: more than " + OutputCap.PER_TEST_BYTES + " bytes for this test]\n",
        cap.admit("bb"));
    assertNull(cap.admit("c"));
  }

  @Test
  void givenAStreamPrintingASecretAcrossLinesAndALongLine_whenPumped_thenNothingShippedHoldsIt() {
    String secret = "line-one\nline-two";
    String printed = "start\nline-one\nline-two\n" + "y".repeat(OutputPump.MAX_LINE + 10) + "\nend";
    List<String> shipped = new ArrayList<>();
    OutputTail tail = new OutputTail();

    new OutputPump(
            new ByteArrayInputStream(printed.getBytes(StandardCharsets.UTF_8)),
            Masker.of(List.of(secret)),
            shipped::add,
            tail.feed())
        .run();

    String log = String.join("", shipped);
    assertFalse(log.contains("line-one") || log.contains("line-two"), log);
    assertTrue(log.startsWith("start\n***\n"), log);
    assertTrue(
        log.contains("y".repeat(OutputPump.MAX_LINE) + " [line cut at 16384 characters]\n"), log);
    assertTrue(log.endsWith("\nend\n"), log);
    assertTrue(tail.text().endsWith("\nend"), tail.text());
    assertFalse(shipped.contains(""));
  }
}
