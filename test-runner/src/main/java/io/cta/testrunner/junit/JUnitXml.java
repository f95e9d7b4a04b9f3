package io.cta.testrunner.junit;

import io.cta.activities.TestStatus;
import io.cta.testrunner.result.CaseResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads the test cases of one JUnit XML report with the JDK's streaming parser (StAX), DTDs and
 * external entities off, in bounded memory whatever the file's size. It reads what the common
 * runners write: Maven Surefire and Failsafe (with their {@code flakyFailure}, {@code flakyError},
 * {@code rerunFailure} and {@code rerunError} elements), Gradle, pytest, jest-junit, PHPUnit and
 * others: {@code testcase} elements at any depth under {@code testsuites} and nested {@code
 * testsuite} elements.
 *
 * <p>A case with a {@code failure} or {@code error} is {@code failed}, else one with {@code
 * skipped} is {@code inconclusive}, else it is {@code ok}. Its own {@code properties} become custom
 * values.
 *
 * <p>Every reader of JUnit XML in CTA goes through this class, so the hardening is in one place:
 * reports come from test machines and users, never from a trusted source.
 */
public final class JUnitXml {

  /** One {@code testcase}, before its name is made unique within the test. */
  public record Case(String name, CaseResult result) {}

  static final int MAX_MESSAGE = 2000;
  static final int MAX_DETAIL = 6000;
  static final int MAX_OUTPUT = 3000;
  static final int MAX_CUSTOM = 32;

  private static final XMLInputFactory FACTORY = factory();

  private JUnitXml() {}

  private static XMLInputFactory factory() {
    XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    factory.setProperty(XMLInputFactory.IS_COALESCING, true);
    return factory;
  }

  /** The test cases of the file in document order, at most {@code limit} (then it stops). */
  public static List<Case> parse(Path file, int limit) throws IOException, XMLStreamException {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, limit);
    }
  }

  /**
   * The test cases of a report read from a stream (an upload), in document order, at most {@code
   * limit}. The stream is left open.
   */
  public static List<Case> parse(InputStream in, int limit) throws XMLStreamException {
    XMLStreamReader xml = FACTORY.createXMLStreamReader(in);
    try {
      return parse(xml, limit);
    } finally {
      xml.close();
    }
  }

  private static List<Case> parse(XMLStreamReader xml, int limit) throws XMLStreamException {
    List<Case> cases = new ArrayList<>();
    boolean rootSeen = false;
    int depth = 0;
    CaseReader current = null;
    int caseDepth = 0;
    while (cases.size() < limit && xml.hasNext()) {
      int event = xml.next();
      if (event == XMLStreamConstants.START_ELEMENT) {
        depth++;
        String name = xml.getLocalName();
        if (!rootSeen) {
          rootSeen = true;
          if (!name.equals("testsuites") && !name.equals("testsuite")) {
            throw new XMLStreamException(
                "not a JUnit report: the root element is <" + name + ">, not <testsuite(s)>");
          }
        }
        if (current == null && name.equals("testcase")) {
          current = new CaseReader(xml);
          caseDepth = depth;
        } else if (current != null) {
          current.start(name, depth - caseDepth, xml);
        }
      } else if (event == XMLStreamConstants.END_ELEMENT) {
        if (current != null && depth == caseDepth) {
          cases.add(current.finish());
          current = null;
        } else if (current != null) {
          current.end(depth - caseDepth);
        }
        depth--;
      } else if (current != null
          && (event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA)) {
        current.text(xml.getText());
      }
    }
    if (!rootSeen) {
      throw new XMLStreamException("empty document");
    }
    return cases;
  }

  /** What one {@code testcase} element says, read as its parts stream by. */
  private static final class CaseReader {
    private final String name;
    private final Long durationMs;
    private final Map<String, String> custom = new LinkedHashMap<>();

    /** {@code failure}, {@code error} or {@code skipped}: the first failure or error wins. */
    private String outcome;

    private String outcomeMessage;
    private String outcomeType;
    private final StringBuilder detail = new StringBuilder();
    private int flakyRuns;
    private String flakyMessage;
    private int reruns;
    private final StringBuilder out = new StringBuilder();
    private final StringBuilder err = new StringBuilder();

    /** Where text goes now: a buffer and its cap (negative: keep the tail), or nowhere. */
    private StringBuilder capture;

    private int captureCap;
    private int captureDepth;

    CaseReader(XMLStreamReader xml) {
      String caseName = attribute(xml, "name");
      String className = attribute(xml, "classname");
      if (className == null || className.isBlank()) {
        className = attribute(xml, "class");
      }
      this.name = caseName(className, caseName);
      this.durationMs = millis(attribute(xml, "time"));
    }

    /** A child element at {@code level} below the testcase (1 for a direct child). */
    void start(String element, int level, XMLStreamReader xml) {
      if (level == 2 && element.equals("property")) {
        String key = attribute(xml, "name");
        if (key != null && custom.size() < MAX_CUSTOM) {
          String value = attribute(xml, "value");
          custom.put(key, value == null ? "" : value);
        }
        return;
      }
      if (level == 2 && flakyRuns == 1 && outcome == null && element.equals("stackTrace")) {
        startCapture(detail, MAX_DETAIL, level);
        return;
      }
      if (level != 1) {
        return;
      }
      switch (element) {
        case "failure", "error" -> {
          if (!"failure".equals(outcome) && !"error".equals(outcome)) {
            outcome = element;
            outcomeMessage = attribute(xml, "message");
            outcomeType = attribute(xml, "type");
            detail.setLength(0);
            startCapture(detail, MAX_DETAIL, level);
          }
        }
        case "skipped" -> {
          if (outcome == null) {
            outcome = element;
            outcomeMessage = attribute(xml, "message");
            startCapture(detail, MAX_DETAIL, level);
          }
        }
        case "flakyFailure", "flakyError" -> {
          if (++flakyRuns == 1) {
            flakyMessage = attribute(xml, "message");
            outcomeType = attribute(xml, "type");
          }
        }
        case "rerunFailure", "rerunError" -> reruns++;
        case "system-out" -> startCapture(out, -MAX_OUTPUT, level);
        case "system-err" -> startCapture(err, -MAX_OUTPUT, level);
        default -> {
          // properties (read at level 2), and anything a runner adds
        }
      }
    }

    void end(int level) {
      if (capture != null && level == captureDepth) {
        capture = null;
      }
    }

    void text(String text) {
      if (capture == null) {
        return;
      }
      if (captureCap > 0) {
        if (capture.length() <= captureCap) {
          capture.append(text, 0, Math.min(text.length(), captureCap + 1 - capture.length()));
        }
      } else {
        capture.append(text);
        int keep = -captureCap;
        if (capture.length() > 2 * keep) {
          capture.delete(0, capture.length() - keep - 1);
        }
      }
    }

    private void startCapture(StringBuilder buffer, int cap, int level) {
      capture = buffer;
      captureCap = cap;
      captureDepth = level;
    }

    Case finish() {
      TestStatus status;
      String message;
      switch (outcome == null ? "" : outcome) {
        case "failure", "error" -> {
          status = TestStatus.failed;
          message = firstOf(outcomeMessage, detail, outcomeType, outcome);
          if (reruns > 0) {
            message += " (and in " + reruns + (reruns == 1 ? " rerun)" : " reruns)");
          }
        }
        case "skipped" -> {
          status = TestStatus.inconclusive;
          message = "skipped: " + firstOf(outcomeMessage, detail, null, "no reason given");
        }
        default -> {
          status = TestStatus.ok;
          message =
              flakyRuns == 0
                  ? "passed"
                  : "passed after "
                      + flakyRuns
                      + (flakyRuns == 1 ? " failed run: " : " failed runs: ")
                      + firstOf(flakyMessage, detail, outcomeType, "no message");
        }
      }
      return new Case(
          name,
          new CaseResult(
              name,
              status,
              cut(message, MAX_MESSAGE),
              description(),
              durationMs,
              custom,
              null,
              null));
    }

    /** The failure's type and trace, then the case's output: its head and tails, each capped. */
    private String description() {
      StringBuilder text = new StringBuilder();
      if (!detail.isEmpty() || outcomeType != null) {
        String kind = outcome != null ? outcome : "flaky run";
        text.append(kind).append(outcomeType == null ? "" : " " + outcomeType).append('\n');
        text.append(cut(detail.toString().strip(), MAX_DETAIL)).append('\n');
      }
      appendTail(text, "system-out", out);
      appendTail(text, "system-err", err);
      String description = text.toString().strip();
      return description.isEmpty() ? null : description;
    }

    private static void appendTail(StringBuilder text, String what, StringBuilder output) {
      String tail = output.toString().strip();
      if (tail.isEmpty()) {
        return;
      }
      if (tail.length() > MAX_OUTPUT) {
        tail = "…" + tail.substring(tail.length() - MAX_OUTPUT);
      }
      text.append("--- ").append(what).append(" ---\n").append(tail).append('\n');
    }
  }

  /**
   * {@code classname.name}, or the name alone when there is no class name or the name already
   * starts with it (jest-junit writes {@code "<describe> <title>"} in both by default).
   */
  static String caseName(String className, String name) {
    name = name == null ? "" : name.strip();
    String prefix = className == null ? "" : className.strip();
    if (prefix.isEmpty()
        || name.equals(prefix)
        || name.startsWith(prefix + " ")
        || name.startsWith(prefix + ".")) {
      return name.isEmpty() ? "(unnamed test case)" : name;
    }
    return prefix + "." + name;
  }

  /** Seconds as runners write them ({@code 0.5}, {@code 1,234.567}), in milliseconds; or null. */
  static Long millis(String seconds) {
    if (seconds == null || seconds.isBlank()) {
      return null;
    }
    try {
      double value = Double.parseDouble(seconds.strip().replace(",", ""));
      return Double.isFinite(value) && value >= 0 ? Math.round(value * 1000) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String attribute(XMLStreamReader xml, String name) {
    return xml.getAttributeValue(null, name);
  }

  /** The first present of: a message, the first non-blank line of a text, a type, a fallback. */
  private static String firstOf(String message, CharSequence text, String type, String fallback) {
    if (message != null && !message.isBlank()) {
      return message.strip();
    }
    if (text != null) {
      for (String line : text.toString().split("\n")) {
        if (!line.isBlank()) {
          return line.strip();
        }
      }
    }
    return type != null && !type.isBlank() ? type : fallback;
  }

  static String cut(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max) + "…";
  }
}
