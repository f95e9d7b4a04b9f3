package io.cta.api.scenario;

import io.cta.server.definition.SuiteDocument;
import io.cta.server.definition.TestDefinition;
import io.cta.server.error.InvalidInputException;
import io.cta.server.error.TooLargeException;
import io.cta.server.execution.ResultDocument;
import io.cta.testrunner.junit.JUnitReports;
import io.cta.testrunner.junit.JUnitXml;
import io.cta.testrunner.result.CaseResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.xml.stream.XMLStreamException;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.codec.multipart.FilePartEvent;
import org.springframework.http.codec.multipart.PartEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Uploaded JUnit XML reports as the results of one test of an imported execution
 * (docs/results.md#imported-executions). Reports come from users, so they are read by {@code
 * JUnitXml} (no DTDs or external entities) and named by {@code JUnitReports} (duplicate case names
 * kept apart by their ordinal), as the agent reads a test's reports; at most {@link #MAX_BYTES} in
 * all and {@link JUnitReports#MAX_CASES} cases.
 */
final class JunitImport {

  /** The most bytes of reports in one upload: the api's body limit for JSON. */
  static final int MAX_BYTES = 16 << 20;

  /** The name of a multipart part that holds a report. */
  static final String PART = "report";

  /** The machine recorded on imported results when the upload names none. */
  static final String DEFAULT_MACHINE = "import";

  static final int MAX_MACHINE = 200;

  /** One report of the upload: its file name (or null) and its content. */
  record Report(String filename, byte[] content) {}

  private JunitImport() {}

  /** The reports of a multipart upload, read into memory under {@link #MAX_BYTES}. */
  static Mono<List<Report>> reports(Flux<PartEvent> parts) {
    long[] total = {0};
    return parts
        .windowUntil(PartEvent::isLast)
        .concatMap(part -> part.collect(Upload::new, (upload, event) -> upload.add(event, total)))
        .filter(upload -> upload.name != null)
        .map(
            upload -> {
              if (!PART.equals(upload.name)) {
                throw new InvalidInputException(
                    "part '" + upload.name + "': send each report as a part named '" + PART + "'");
              }
              return new Report(upload.filename, upload.content.toByteArray());
            })
        .collectList()
        .map(
            reports -> {
              if (reports.isEmpty()) {
                throw new InvalidInputException(
                    "no report: send JUnit XML files as multipart/form-data parts named '"
                        + PART
                        + "'");
              }
              return reports;
            });
  }

  /** One multipart part, collected from its events. */
  private static final class Upload {
    String name;
    String filename;
    final ByteArrayOutputStream content = new ByteArrayOutputStream();

    void add(PartEvent event, long[] total) {
      DataBuffer buffer = event.content();
      try {
        if (name == null) {
          name = event.name();
          filename = event instanceof FilePartEvent file ? file.filename() : null;
        }
        total[0] += buffer.readableByteCount();
        if (total[0] > MAX_BYTES) {
          throw new TooLargeException("reports: larger than the limit of " + MAX_BYTES + " bytes");
        }
        byte[] bytes = new byte[buffer.readableByteCount()];
        buffer.read(bytes);
        content.writeBytes(bytes);
      } finally {
        DataBufferUtils.release(buffer);
      }
    }
  }

  /** The cases of every report, in upload order; a report that is not JUnit XML is refused. */
  static List<JUnitXml.Case> cases(List<Report> reports) {
    List<JUnitXml.Case> cases = new ArrayList<>();
    for (int i = 0; i < reports.size(); i++) {
      Report report = reports.get(i);
      String name =
          report.filename() == null || report.filename().isBlank()
              ? "report " + (i + 1)
              : "report '" + report.filename() + "'";
      try {
        cases.addAll(
            JUnitXml.parse(
                new ByteArrayInputStream(report.content()),
                JUnitReports.MAX_CASES + 1 - cases.size()));
      } catch (XMLStreamException | RuntimeException e) {
        throw new InvalidInputException(name + ": not readable JUnit XML: " + oneLine(e));
      }
      if (cases.size() > JUnitReports.MAX_CASES) {
        throw new TooLargeException(
            "reports: more than " + JUnitReports.MAX_CASES + " test cases in one import");
      }
    }
    if (cases.isEmpty()) {
      throw new InvalidInputException("reports: no test case in " + reports.size() + " report(s)");
    }
    return cases;
  }

  /** The machine the results are recorded on: the given name, or {@link #DEFAULT_MACHINE}. */
  static String machine(String machine) {
    if (machine == null) {
      return DEFAULT_MACHINE;
    }
    if (machine.isBlank()
        || machine.length() > MAX_MACHINE
        || machine.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidInputException(
          "machine: 1 to " + MAX_MACHINE + " characters, no control characters");
    }
    return machine.strip();
  }

  /**
   * The test of the suite the results belong to: the one named, or the suite's only test.
   *
   * @param test a test id of the suite, or null
   */
  static String test(SuiteDocument suite, String test) {
    List<TestDefinition> tests = suite.tests() == null ? List.of() : suite.tests();
    if (test == null) {
      if (tests.size() != 1) {
        throw new InvalidInputException(
            "test: the suite '"
                + suite.name()
                + "' has "
                + tests.size()
                + " tests: name the one these results belong to");
      }
      return tests.get(0).id();
    }
    if (tests.stream().noneMatch(t -> t.id().equals(test))) {
      throw new InvalidInputException(
          "test: '" + cut(test) + "' is not a test of the suite '" + suite.name() + "'");
    }
    return test;
  }

  /** The cases as results of the test on the machine, first attempt, received now. */
  static List<ResultDocument> results(
      String executionId, String testId, String machine, List<JUnitXml.Case> cases) {
    Instant now = Instant.now();
    return JUnitReports.results(cases).stream()
        .map(
            (CaseResult c) ->
                new ResultDocument(
                    ResultDocument.key(executionId, testId, c.caseName(), machine, 1),
                    executionId,
                    testId,
                    c.caseName(),
                    machine,
                    1,
                    c.status(),
                    c.message(),
                    c.description(),
                    c.durationMs(),
                    List.of(),
                    List.of(),
                    c.custom(),
                    c.durationMs() == null ? now : now.minusMillis(c.durationMs()),
                    now,
                    false,
                    now))
        .toList();
  }

  private static String oneLine(Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return cut(message.replaceAll("\\s+", " ").strip());
  }

  /** The longest {@code Idempotency-Key}. */
  static final int MAX_KEY = 255;

  /**
   * The {@code Idempotency-Key} header (docs/api.md#imports): null when absent; else 1 to {@link
   * #MAX_KEY} visible ASCII characters (a UUID, a CI job's id).
   */
  static String idempotencyKey(String header) {
    if (header == null) {
      return null;
    }
    if (header.isEmpty()
        || header.length() > MAX_KEY
        || header.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      throw new InvalidInputException(
          "Idempotency-Key: 1 to " + MAX_KEY + " visible ASCII characters, such as a UUID");
    }
    return header;
  }

  /**
   * What an upload asks for, hashed: its reports (names and bytes, in order), the machine and the
   * test. A key sent again must come with the same; multipart boundaries and headers do not count.
   */
  static String fingerprint(String machine, String test, List<Report> reports) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
    field(sha, machine == null ? null : machine.getBytes(StandardCharsets.UTF_8));
    field(sha, test == null ? null : test.getBytes(StandardCharsets.UTF_8));
    for (Report report : reports) {
      field(
          sha,
          report.filename() == null ? null : report.filename().getBytes(StandardCharsets.UTF_8));
      field(sha, report.content());
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** A length before each field, so that no two different uploads hash the same bytes. */
  private static void field(MessageDigest sha, byte[] value) {
    sha.update(
        ByteBuffer.allocate(Integer.BYTES).putInt(value == null ? -1 : value.length).array());
    if (value != null) {
      sha.update(value);
    }
  }

  private static String cut(String text) {
    return text.length() <= 300 ? text : text.substring(0, 300) + "…";
  }
}
