package io.cta.testrunner.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.io.StringReader;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BoundedLineReaderTest {

  /** An endless line: 'a' forever, never a newline; counts what was read of it. */
  private static final class Endless extends Reader {
    long read;

    @Override
    public int read(char[] buffer, int offset, int length) {
      Arrays.fill(buffer, offset, offset + length, 'a');
      read += length;
      return length;
    }

    @Override
    public void close() {}
  }

  @Test
  void givenALineThatNeverEnds_whenRead_thenItComesBackCutAfterReadingAtMostTheLimitAndABuffer()
      throws Exception {
    Endless endless = new Endless();
    BoundedLineReader reader = new BoundedLineReader(endless, 100);

    String line = reader.readLine();

    assertEquals("a".repeat(100) + " [line cut at 100 characters]", line);
    assertTrue(endless.read <= 100 + 8192, "read " + endless.read + " characters");
  }

  @Test
  void givenALongLineThenShortOnes_whenRead_thenOnlyTheLongOneIsCutAndItsRestIsSkipped()
      throws Exception {
    String text = "x".repeat(50_000) + "\r\nshort\r\n" + "b".repeat(10) + "\nlast";
    BoundedLineReader reader = new BoundedLineReader(new StringReader(text), 10);

    assertEquals("x".repeat(10) + " [line cut at 10 characters]", reader.readLine());
    assertEquals("short", reader.readLine());
    assertEquals("b".repeat(10), reader.readLine());
    assertEquals("last", reader.readLine());
    assertNull(reader.readLine());
  }

  @Test
  void givenALineOfExactlyTheLimitEndingInCrLf_whenRead_thenItIsNotCut() throws Exception {
    BoundedLineReader reader = new BoundedLineReader(new StringReader("abc\r\n\nd"), 3);

    assertEquals("abc", reader.readLine());
    assertEquals("", reader.readLine());
    assertEquals("d", reader.readLine());
    assertNull(reader.readLine());
  }
}
