package io.cta.server.machine;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A property selector: Kubernetes label-selector syntax ({@code os in (linux,macos),browser!=ie,
 * !legacy}) extended with numeric comparisons ({@code cores>=8}) and {@code *} wildcards in values
 * ({@code host=lab-*}). Requirements are separated by commas and must all hold.
 */
public final class Selector {

  /** What a property name may be, wherever one is given (selectors, labels, agents' flags). */
  public static final String PROPERTY_NAME = "[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?";

  private static final Pattern KEY = Pattern.compile(PROPERTY_NAME);

  private final String text;
  private final List<Requirement> requirements;

  private Selector(String text, List<Requirement> requirements) {
    this.text = text;
    this.requirements = requirements;
  }

  /** Parses a selector; {@link InvalidSelectorException} says what is wrong and where. */
  public static Selector parse(String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidSelectorException("the selector is empty", 0);
    }
    if (text.length() > LabelLimits.MAX_SELECTOR) {
      throw new InvalidSelectorException(
          "the selector is longer than the limit of " + LabelLimits.MAX_SELECTOR + " characters",
          LabelLimits.MAX_SELECTOR);
    }
    return new Selector(text, new Parser(text).parse());
  }

  public boolean matches(Map<String, String> properties) {
    for (Requirement requirement : requirements) {
      if (!requirement.matches(properties)) {
        return false;
      }
    }
    return true;
  }

  /** Why the properties do not match (the first unmet requirement), or null when they do. */
  public String mismatch(Map<String, String> properties) {
    for (Requirement requirement : requirements) {
      if (!requirement.matches(properties)) {
        String actual = properties.get(requirement.key());
        return "needs "
            + requirement
            + ", has "
            + (actual == null ? "no " + requirement.key() : requirement.key() + "=" + actual);
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return text;
  }

  /** A malformed selector, with the 0-based character position of the problem. */
  public static final class InvalidSelectorException extends IllegalArgumentException {
    private final int position;

    InvalidSelectorException(String message, int position) {
      super(message + " at position " + position);
      this.position = position;
    }

    public int position() {
      return position;
    }
  }

  private enum Op {
    EXISTS,
    NOT_EXISTS,
    EQ,
    NE,
    IN,
    NOT_IN,
    GT,
    GE,
    LT,
    LE
  }

  private record Requirement(String key, Op op, List<String> values) {

    @Override
    public String toString() {
      String list = String.join(",", values);
      return switch (op) {
        case EXISTS -> key;
        case NOT_EXISTS -> "!" + key;
        case EQ -> key + "=" + list;
        case NE -> key + "!=" + list;
        case IN -> key + " in (" + list + ")";
        case NOT_IN -> key + " notin (" + list + ")";
        case GT -> key + ">" + list;
        case GE -> key + ">=" + list;
        case LT -> key + "<" + list;
        case LE -> key + "<=" + list;
      };
    }

    boolean matches(Map<String, String> properties) {
      String actual = properties.get(key);
      return switch (op) {
        case EXISTS -> actual != null;
        case NOT_EXISTS -> actual == null;
        case EQ, IN -> actual != null && values.stream().anyMatch(v -> glob(v, actual));
        case NE, NOT_IN -> actual == null || values.stream().noneMatch(v -> glob(v, actual));
        case GT, GE, LT, LE -> compare(actual);
      };
    }

    private boolean compare(String actual) {
      BigDecimal left;
      try {
        left = actual == null ? null : new BigDecimal(actual.trim());
      } catch (NumberFormatException notNumeric) {
        return false;
      }
      if (left == null) {
        return false;
      }
      int c = left.compareTo(new BigDecimal(values.get(0)));
      return switch (op) {
        case GT -> c > 0;
        case GE -> c >= 0;
        case LT -> c < 0;
        default -> c <= 0;
      };
    }

    /** {@code *} matches any characters; everything else literally (see {@link Glob}). */
    private static boolean glob(String pattern, String actual) {
      return Glob.matches(pattern, actual);
    }
  }

  /** A small recursive-descent parser that keeps track of positions for error messages. */
  private static final class Parser {
    private final String s;
    private int i;

    Parser(String s) {
      this.s = s;
    }

    List<Requirement> parse() {
      List<Requirement> requirements = new ArrayList<>();
      while (true) {
        skipSpaces();
        if (requirements.size() == LabelLimits.MAX_REQUIREMENTS) {
          throw error("more requirements than the limit of " + LabelLimits.MAX_REQUIREMENTS);
        }
        requirements.add(requirement());
        skipSpaces();
        if (i == s.length()) {
          return requirements;
        }
        expect(',');
      }
    }

    private Requirement requirement() {
      if (peek() == '!') {
        i++;
        skipSpaces();
        return new Requirement(key(), Op.NOT_EXISTS, List.of());
      }
      String key = key();
      skipSpaces();
      if (i == s.length() || peek() == ',') {
        return new Requirement(key, Op.EXISTS, List.of());
      }
      if (s.startsWith("==", i)) {
        i += 2;
        return new Requirement(key, Op.EQ, List.of(value()));
      }
      if (s.startsWith("!=", i)) {
        i += 2;
        return new Requirement(key, Op.NE, List.of(value()));
      }
      if (s.startsWith(">=", i) || s.startsWith("<=", i)) {
        Op op = s.charAt(i) == '>' ? Op.GE : Op.LE;
        i += 2;
        return new Requirement(key, op, List.of(number()));
      }
      if (peek() == '>' || peek() == '<') {
        Op op = peek() == '>' ? Op.GT : Op.LT;
        i++;
        return new Requirement(key, op, List.of(number()));
      }
      if (peek() == '=') {
        i++;
        return new Requirement(key, Op.EQ, List.of(value()));
      }
      if (word("notin")) {
        return new Requirement(key, Op.NOT_IN, set());
      }
      if (word("in")) {
        return new Requirement(key, Op.IN, set());
      }
      throw error("expected an operator (=, ==, !=, in, notin, >, >=, <, <=), a comma or the end");
    }

    private String key() {
      int start = i;
      while (i < s.length() && "=!<>,() ".indexOf(s.charAt(i)) < 0) {
        i++;
      }
      String key = s.substring(start, i);
      if (key.length() > LabelLimits.MAX_PROPERTY_NAME) {
        i = start;
        throw error(
            "a property name longer than the limit of "
                + LabelLimits.MAX_PROPERTY_NAME
                + " characters");
      }
      if (!KEY.matcher(key).matches()) {
        i = start;
        throw error(
            key.isEmpty() ? "expected a property name" : "invalid property name '" + key + "'");
      }
      return key;
    }

    private String value() {
      skipSpaces();
      int start = i;
      while (i < s.length() && ",() ".indexOf(s.charAt(i)) < 0 && "=!<>".indexOf(s.charAt(i)) < 0) {
        i++;
      }
      if (start == i) {
        throw error("expected a value");
      }
      if (i - start > LabelLimits.MAX_PROPERTY_VALUE) {
        i = start;
        throw error(
            "a value longer than the limit of " + LabelLimits.MAX_PROPERTY_VALUE + " characters");
      }
      return s.substring(start, i);
    }

    private String number() {
      int start = i;
      String value = value();
      try {
        new BigDecimal(value);
      } catch (NumberFormatException e) {
        i = start;
        skipSpaces();
        throw error("expected a number after a comparison, got '" + value + "'");
      }
      return value;
    }

    private List<String> set() {
      skipSpaces();
      expect('(');
      List<String> values = new ArrayList<>();
      while (true) {
        if (values.size() == LabelLimits.MAX_SET_VALUES) {
          throw error("more values in a set than the limit of " + LabelLimits.MAX_SET_VALUES);
        }
        values.add(value());
        skipSpaces();
        if (peek() == ')') {
          i++;
          return values;
        }
        if (peek() != ',') {
          throw error("expected ',' or ')'");
        }
        i++;
      }
    }

    private boolean word(String word) {
      if (s.startsWith(word, i)) {
        int end = i + word.length();
        if (end == s.length() || s.charAt(end) == ' ' || s.charAt(end) == '(') {
          i = end;
          return true;
        }
      }
      return false;
    }

    private void expect(char c) {
      if (peek() != c) {
        throw error("expected '" + c + "'");
      }
      i++;
    }

    private char peek() {
      return i < s.length() ? s.charAt(i) : '\0';
    }

    private void skipSpaces() {
      while (i < s.length() && s.charAt(i) == ' ') {
        i++;
      }
    }

    private InvalidSelectorException error(String message) {
      return new InvalidSelectorException(message, i);
    }
  }
}
