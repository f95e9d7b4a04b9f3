package io.cta.api.execution;

import io.cta.activities.RunMode;
import io.cta.activities.TestStatus;
import io.cta.server.execution.Counting;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ResultDocument;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * An execution's counted results as a JUnit XML report (docs/results.md): one {@code <testsuite>}
 * per machine, one {@code <testcase>} per counting key with its final status. Written with a real
 * XML writer, and every text is stripped of the characters XML 1.0 cannot carry, so the report is
 * well-formed whatever a test printed.
 */
final class JunitReport {

  private static final XMLOutputFactory FACTORY = XMLOutputFactory.newFactory();

  private JunitReport() {}

  static byte[] of(ExecutionDocument execution, List<ResultDocument> stored) {
    boolean stress = execution.configuration().runMode() == RunMode.stress;
    Set<String> flaky = Counting.flaky(stored, stress);
    Map<String, List<ResultDocument>> byMachine = new TreeMap<>();
    for (ResultDocument result : Counting.counted(stored, stress)) {
      byMachine
          .computeIfAbsent(result.machine() == null ? "" : result.machine(), m -> new ArrayList<>())
          .add(result);
    }
    byMachine
        .values()
        .forEach(
            results ->
                results.sort(
                    Comparator.comparing(ResultDocument::testId)
                        .thenComparing(r -> r.caseName() == null ? "" : r.caseName())));
    String name = execution.scenarioName() + " #" + execution.number();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      XMLStreamWriter xml = FACTORY.createXMLStreamWriter(out, "UTF-8");
      xml.writeStartDocument("UTF-8", "1.0");
      xml.writeStartElement("testsuites");
      attribute(xml, "name", name);
      totals(xml, byMachine.values().stream().flatMap(List::stream).toList());
      for (Map.Entry<String, List<ResultDocument>> machine : byMachine.entrySet()) {
        xml.writeStartElement("testsuite");
        attribute(
            xml, "name", machine.getKey().isEmpty() ? name : name + " on " + machine.getKey());
        totals(xml, machine.getValue());
        if (!machine.getKey().isEmpty()) {
          attribute(xml, "hostname", machine.getKey());
        }
        Instant started =
            execution.startedAt() != null ? execution.startedAt() : execution.requestedAt();
        attribute(
            xml,
            "timestamp",
            LocalDateTime.ofInstant(started.truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC)
                .toString());
        xml.writeStartElement("properties");
        property(xml, "cta.executionId", execution.id());
        property(xml, "cta.scenarioId", execution.scenarioId());
        property(xml, "cta.state", execution.state().name());
        property(xml, "cta.result", execution.result() == null ? "" : execution.result().name());
        if (execution.reason() != null) {
          property(xml, "cta.reason", execution.reason());
        }
        if (execution.rerunOf() != null) {
          property(xml, "cta.rerunOf", execution.rerunOf());
        }
        xml.writeEndElement();
        for (ResultDocument result : machine.getValue()) {
          testcase(xml, result, flaky.contains(result.id()));
        }
        xml.writeEndElement();
      }
      xml.writeEndElement();
      xml.writeEndDocument();
      xml.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("could not write the JUnit report", e);
    }
    return out.toByteArray();
  }

  private static void testcase(XMLStreamWriter xml, ResultDocument result, boolean flaky)
      throws XMLStreamException {
    xml.writeStartElement("testcase");
    attribute(
        xml,
        "name",
        result.caseName() == null || result.caseName().isEmpty()
            ? result.testId()
            : result.caseName());
    attribute(xml, "classname", result.testId());
    attribute(xml, "time", seconds(result.durationMs()));
    xml.writeStartElement("properties");
    property(xml, "cta.attempt", String.valueOf(result.attempt()));
    if (flaky) {
      property(xml, "cta.flaky", "true");
    }
    if (result.custom() != null) {
      for (Map.Entry<String, String> custom : new TreeMap<>(result.custom()).entrySet()) {
        property(xml, custom.getKey(), custom.getValue());
      }
    }
    xml.writeEndElement();
    TestStatus status = Counting.status(result);
    String message = result.message() == null ? status.name() : result.message();
    if (status != TestStatus.ok) {
      xml.writeStartElement(status == TestStatus.inconclusive ? "skipped" : "failure");
      attribute(xml, "message", message);
      if (status != TestStatus.inconclusive) {
        attribute(xml, "type", status.name());
      }
      if (result.description() != null) {
        xml.writeCharacters(clean(result.description()));
      }
      xml.writeEndElement();
    }
    xml.writeEndElement();
  }

  /** {@code tests}, {@code failures} (failed and partial), {@code errors}, {@code skipped}. */
  private static void totals(XMLStreamWriter xml, List<ResultDocument> results)
      throws XMLStreamException {
    long failures =
        results.stream()
            .filter(
                r ->
                    Counting.status(r) == TestStatus.failed
                        || Counting.status(r) == TestStatus.partial)
            .count();
    long skipped =
        results.stream().filter(r -> Counting.status(r) == TestStatus.inconclusive).count();
    long ms = results.stream().mapToLong(r -> r.durationMs() == null ? 0 : r.durationMs()).sum();
    attribute(xml, "tests", String.valueOf(results.size()));
    attribute(xml, "failures", String.valueOf(failures));
    attribute(xml, "errors", "0");
    attribute(xml, "skipped", String.valueOf(skipped));
    attribute(xml, "time", seconds(ms));
  }

  private static void property(XMLStreamWriter xml, String name, String value)
      throws XMLStreamException {
    xml.writeEmptyElement("property");
    attribute(xml, "name", name);
    attribute(xml, "value", value);
  }

  private static void attribute(XMLStreamWriter xml, String name, String value)
      throws XMLStreamException {
    xml.writeAttribute(name, clean(value));
  }

  private static String seconds(Long ms) {
    return String.format(Locale.ROOT, "%.3f", (ms == null ? 0 : ms) / 1000.0);
  }

  /**
   * The text without what XML 1.0 cannot hold: control characters other than tab, line feed and
   * carriage return, lone surrogates, U+FFFE and U+FFFF. The writer escapes the rest.
   */
  static String clean(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder clean = new StringBuilder(text.length());
    text.codePoints()
        .filter(
            c ->
                c == 0x9
                    || c == 0xA
                    || c == 0xD
                    || (c >= 0x20 && c <= 0xD7FF)
                    || (c >= 0xE000 && c <= 0xFFFD)
                    || (c >= 0x10000 && c <= 0x10FFFF))
        .forEach(clean::appendCodePoint);
    return clean.toString();
  }
}
