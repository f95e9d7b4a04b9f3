package io.cta.testrunner.stage;

import io.cta.testrunner.mask.Masker;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Copies one output stream of a stage (a local process's, or a remote one's) to the test's log in
 * chunks, masked, and feeds the failure message's last lines. Each line is masked whole, and the
 * chunks pass a streaming masker, so a secret's value spanning lines (a key file printed) is masked
 * too. Lines are cut at {@link #MAX_LINE} characters while they stream, so a line without end never
 * fills the heap. Runs until the stream ends or is closed (the process was killed), then ships what
 * was read.
 */
public final class OutputPump implements Runnable {

  /** Longest line shipped; longer lines are cut ({@link BoundedLineReader}). */
  public static final int MAX_LINE = 16 * 1024;

  /** A chunk this large is shipped at once. */
  private static final int CHUNK_CHARS = 16 * 1024;

  /** A chunk this old is shipped at the next line. */
  private static final long FLUSH_MILLIS = 500;

  private final InputStream stream;
  private final Masker masker;
  private final Consumer<String> log;
  private final OutputTail.Feed tail;

  /**
   * @param log ships a masked piece of output (never empty)
   * @param tail keeps the last lines for the failure message
   */
  public OutputPump(InputStream stream, Masker masker, Consumer<String> log, OutputTail.Feed tail) {
    this.stream = stream;
    this.masker = masker;
    this.log = log;
    this.tail = tail;
  }

  @Override
  public void run() {
    Masker.Stream masked = masker.stream();
    StringBuilder chunk = new StringBuilder();
    long lastFlush = System.currentTimeMillis();
    try (BoundedLineReader reader =
        new BoundedLineReader(new InputStreamReader(stream, StandardCharsets.UTF_8), MAX_LINE)) {
      String line;
      while ((line = reader.readLine()) != null) {
        line = masker.mask(line);
        chunk.append(line).append('\n');
        long now = System.currentTimeMillis();
        // Ship before blocking on a quiet process, so its output is readable live; a burst is
        // shipped in chunks.
        if (chunk.length() > CHUNK_CHARS || now - lastFlush > FLUSH_MILLIS || !reader.ready()) {
          String text = masked.accept(chunk.toString());
          if (!text.isEmpty()) {
            log.accept(text);
            tail.accept(text);
          }
          chunk.setLength(0);
          lastFlush = now;
        }
      }
    } catch (IOException closed) {
      // The process was killed; ship what was read.
    }
    String rest = masked.accept(chunk.toString()) + masked.finish();
    if (!rest.isEmpty()) {
      log.accept(rest);
    }
    tail.accept(rest);
  }
}
