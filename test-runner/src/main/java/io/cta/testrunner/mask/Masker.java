package io.cta.testrunner.mask;

import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Replaces every occurrence of any of a set of values with {@value #MASK}. Occurrences that overlap
 * or touch (two values sharing characters, a value that is a prefix of another) become one mask, so
 * no character of any value is left in the text. Empty values are ignored: they would match
 * everywhere.
 *
 * <p>Text that arrives in pieces (a process's output) goes through a {@link Stream}, which holds
 * back the end of a piece while it could still be the start of a value, so a value split across two
 * reads is masked as well.
 *
 * <p>Depends on the JDK only, so that every process that runs tests with secrets can share it.
 */
public final class Masker {

  /** What a value is replaced with. */
  public static final String MASK = "***";

  /** Masks nothing. */
  public static final Masker NONE = new Masker(List.of());

  /** Longest first: only used to keep the work per text small; the result does not depend on it. */
  private final List<String> values;

  private final int longest;

  private Masker(List<String> values) {
    this.values = values;
    this.longest = values.isEmpty() ? 0 : values.get(0).length();
  }

  /** A masker for these values; null and empty values are left out. */
  public static Masker of(Collection<String> values) {
    List<String> kept =
        values.stream()
            .filter(Objects::nonNull)
            .filter(value -> !value.isEmpty())
            .distinct()
            .sorted(Comparator.comparingInt(String::length).reversed())
            .toList();
    return kept.isEmpty() ? NONE : new Masker(kept);
  }

  /** Whether this masker masks nothing. */
  public boolean isEmpty() {
    return values.isEmpty();
  }

  /** The text with every occurrence of every value masked; null stays null. */
  public String mask(String text) {
    if (text == null || values.isEmpty()) {
      return text;
    }
    return render(text, covered(text), text.length());
  }

  /** A new stream for one source of text in pieces (one stream of one process). */
  public Stream stream() {
    return new Stream();
  }

  /**
   * Marks every character that is part of an occurrence of a value. Each value is searched from
   * every position, not only after the previous occurrence, so that overlapping occurrences of the
   * same value ({@code aa} in {@code aaa}) are all found.
   */
  private boolean[] covered(String text) {
    boolean[] covered = new boolean[text.length()];
    for (String value : values) {
      for (int at = text.indexOf(value); at >= 0; at = text.indexOf(value, at + 1)) {
        for (int i = at; i < at + value.length(); i++) {
          covered[i] = true;
        }
      }
    }
    return covered;
  }

  /** The first {@code end} characters of the text, each run of covered characters as one mask. */
  private static String render(String text, boolean[] covered, int end) {
    StringBuilder out = new StringBuilder(end);
    int i = 0;
    while (i < end) {
      if (covered[i]) {
        out.append(MASK);
        while (i < end && covered[i]) {
          i++;
        }
      } else {
        out.append(text.charAt(i++));
      }
    }
    return out.toString();
  }

  /**
   * The length of the longest end of the text that is the start of some value but not a whole
   * value: those characters might continue into a value in the next piece.
   */
  private int openEnd(String text) {
    int most = Math.min(longest - 1, text.length());
    for (int length = most; length > 0; length--) {
      int from = text.length() - length;
      for (String value : values) {
        if (value.length() > length && text.regionMatches(from, value, 0, length)) {
          return length;
        }
      }
    }
    return 0;
  }

  /**
   * Masks text that arrives in pieces. {@link #accept} returns what can be passed on now; the end
   * of the text that could still be the start of a value (at most the longest value's length minus
   * one characters) waits for the next piece or {@link #finish}.
   */
  public final class Stream {

    private String pending = "";

    /** Which characters of {@link #pending} are already known to be part of a value. */
    private boolean[] pendingCovered = new boolean[0];

    /** Whether the last character passed on was a mask, so that a run held back joins it. */
    private boolean endsInMask;

    private Stream() {}

    /** Takes the next piece; returns the masked text that is safe to pass on now (maybe empty). */
    public String accept(String piece) {
      if (values.isEmpty()) {
        return piece;
      }
      String text = pending + piece;
      boolean[] covered = covered(text);
      // An occurrence that started before the last cut keeps its held characters covered: they
      // are only the end of a value and would not match again on their own.
      for (int i = 0; i < pendingCovered.length; i++) {
        covered[i] |= pendingCovered[i];
      }
      int cut = text.length() - openEnd(text);
      String out = render(text, covered, cut);
      if (endsInMask && cut > 0 && covered[0]) {
        out = out.substring(MASK.length());
      }
      if (cut > 0) {
        endsInMask = covered[cut - 1];
      }
      pending = text.substring(cut);
      pendingCovered = Arrays.copyOfRange(covered, cut, text.length());
      return out;
    }

    /** Ends the stream: returns what was held back, masked. */
    public String finish() {
      String out = render(pending, pendingCovered, pending.length());
      if (endsInMask && pendingCovered.length > 0 && pendingCovered[0]) {
        out = out.substring(MASK.length());
      }
      pending = "";
      pendingCovered = new boolean[0];
      endsInMask = false;
      return out;
    }
  }
}
