package io.cta.testrunner.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MaskerTest {

  private static String streamed(Masker masker, String... pieces) {
    Masker.Stream stream = masker.stream();
    StringBuilder out = new StringBuilder();
    for (String piece : pieces) {
      out.append(stream.accept(piece));
    }
    return out.append(stream.finish()).toString();
  }

  @Test
  void givenAValue_whenItAppearsSeveralTimesInsideText_thenEveryOccurrenceIsMasked() {
    Masker masker = Masker.of(List.of("s3cr3t"));

    assertEquals(
        "password=*** and again ***, ***!",
        masker.mask("password=s3cr3t and again s3cr3t, s3cr3t!"));
  }

  @Test
  void givenOverlappingValues_whenMasked_thenNoCharacterOfEitherIsLeft() {
    Masker masker = Masker.of(List.of("abcd", "cdef"));

    assertEquals("x***y", masker.mask("xabcdefy"));
    assertEquals("***", Masker.of(List.of("aa")).mask("aaa"));
  }

  @Test
  void givenAValueThatIsAPrefixOfAnother_whenTheLongerAppears_thenAllOfItIsMasked() {
    Masker masker = Masker.of(List.of("pass", "password1"));

    assertEquals("a *** b *** c", masker.mask("a password1 b pass c"));
  }

  @Test
  void givenEmptyOrNullValues_whenMasking_thenTheyAreIgnored() {
    Masker masker = Masker.of(Arrays.asList("", null, "k"));

    assertEquals("o*** ***", masker.mask("ok k"));
    assertTrue(Masker.of(Arrays.asList("", null)).isEmpty());
    assertEquals("unchanged", Masker.of(List.of("")).mask("unchanged"));
    assertNull(masker.mask(null));
  }

  @Test
  void givenAValueSplitAcrossTwoReads_whenStreamed_thenItIsMaskedAndNothingIsLost() {
    Masker masker = Masker.of(List.of("s3cr3t-value"));
    Masker.Stream stream = masker.stream();

    String first = stream.accept("line one\nthe value is s3cr");
    String second = stream.accept("3t-value, done\n");

    assertEquals("line one\nthe value is ", first, "the start of the value is held back");
    assertEquals("***, done\n", second);
    assertEquals("", stream.finish());
  }

  @Test
  void givenTextEndingInTheStartOfAValue_whenTheStreamEnds_thenTheHeldTextIsPassedOn() {
    Masker masker = Masker.of(List.of("s3cr3t"));

    assertEquals("no secret: s3cr", streamed(masker, "no secret: s3", "cr"));
  }

  @Test
  void givenOutputWithoutAValuesStart_whenStreamed_thenNothingIsHeldBack() {
    Masker.Stream stream = Masker.of(List.of("s3cr3t")).stream();

    assertEquals("plain line\n", stream.accept("plain line\n"));
  }

  @Test
  void givenAValueWhoseEndIsItsOwnStart_whenSplitInsideARepeat_thenNoPartOfItIsPassedOn() {
    Masker masker = Masker.of(List.of("abcab"));

    assertEquals("***", streamed(masker, "abcab", "cab"));
    assertEquals("x***y", streamed(masker, "xab", "ca", "b", "cab", "y"));
  }

  @Test
  void givenRandomTextAndSplits_whenStreamed_thenTheResultIsTheWholeTextMasked() {
    Random random = new Random(42);
    for (int round = 0; round < 2000; round++) {
      List<String> values = new ArrayList<>();
      for (int v = 0; v < 1 + random.nextInt(3); v++) {
        values.add(word(random, 1 + random.nextInt(5)));
      }
      Masker masker = Masker.of(values);
      String text = word(random, random.nextInt(40));
      List<String> pieces = new ArrayList<>();
      for (int at = 0; at < text.length(); ) {
        int length = Math.min(text.length() - at, random.nextInt(6));
        pieces.add(text.substring(at, at + length));
        at += length;
      }

      assertEquals(
          masker.mask(text),
          streamed(masker, pieces.toArray(String[]::new)),
          "values " + values + ", pieces " + pieces);
    }
  }

  /** Text over a small alphabet, so that values occur, overlap and repeat often. */
  private static String word(Random random, int length) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      text.append((char) ('a' + random.nextInt(3)));
    }
    return text.toString();
  }
}
