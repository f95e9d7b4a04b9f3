package io.cta.agent.local;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cta.activities.TestStatus;
import io.cta.agent.run.TestRun;
import io.cta.testrunner.result.CaseResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's local results endpoint: while a test runs, its processes post results to it over HTTP
 * on the loopback interface (docs/agent.md, "Local results endpoint"). Results count as reported
 * explicitly ({@link TestRun#report}) and go to the consumer like every other result.
 *
 * <ul>
 *   <li>{@code POST /runs/<run id>/results} ({@code CTA_RESULTS_URL}): a JSON {@link LocalResult}
 *       for the test of that run;
 *   <li>{@code GET} or {@code POST /testframework/teststatus} ({@code CTA_TESTSTATUS_URL}), the
 *       older TestStatus form: query or form parameters {@code id} (the test id, selecting the
 *       running test), {@code status}, {@code message}, {@code description}, {@code attachment},
 *       {@code screenshot}, {@code build}, and any other key as a custom value.
 * </ul>
 *
 * Answers are JSON: {@code 202} with what was accepted, or a problem detail (RFC 9457).
 */
public final class LocalResultsServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalResultsServer.class);

  static final String TESTSTATUS_PATH = "/testframework/teststatus";
  static final int MAX_BODY = 1024 * 1024;
  static final int MAX_FILES = 20;
  static final int MAX_CUSTOM = 32;

  private static final String RUNS = "/runs/";
  private static final String RESULTS = "/results";
  private static final Set<String> RESERVED =
      Set.of("id", "status", "message", "description", "attachment", "screenshot");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectReader RESULT =
      JSON.readerFor(LocalResult.class)
          .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final HttpServer server;
  private final ExecutorService threads;
  private final String url;

  /** Tests accepting results now, by run id. */
  private final Map<String, TestRun> running = new ConcurrentHashMap<>();

  private LocalResultsServer(HttpServer server, ExecutorService threads) {
    this.server = server;
    this.threads = threads;
    this.url = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Listens on 127.0.0.1 only, on the port given or, with 0, one the system chooses. */
  public static LocalResultsServer start(int port) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 0);
    ExecutorService threads =
        Executors.newFixedThreadPool(
            2,
            task -> {
              Thread thread = new Thread(task, "cta-local-results");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(threads);
    LocalResultsServer local = new LocalResultsServer(server, threads);
    server.createContext("/", local::handle);
    server.start();
    return local;
  }

  /** The base URL, e.g. {@code http://127.0.0.1:41234}. */
  public String url() {
    return url;
  }

  /** Accepts results for the run until {@link #close(TestRun)}. */
  public void open(TestRun run) {
    running.put(run.runId(), run);
  }

  public void close(TestRun run) {
    running.remove(run.runId());
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }

  /**
   * A refusal may quote what a test posted (an id, a path): mask it with every running test's
   * secrets before it is logged, since the refused request may not name its test.
   */
  private String masked(String text) {
    for (TestRun run : running.values()) {
      text = run.masker().mask(text);
    }
    return text;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      try {
        Accepted accepted = route(exchange);
        log.debug(
            "execution {}: test '{}' reported '{}' {} through the local endpoint",
            accepted.executionId(),
            accepted.testId(),
            accepted.caseName(),
            accepted.status());
        answer(exchange, 202, "application/json", JSON.writeValueAsBytes(accepted));
      } catch (Refusal refusal) {
        log.warn(
            "local results: {} {} refused with {}: {}",
            exchange.getRequestMethod(),
            exchange.getRequestURI().getPath(),
            refusal.status,
            masked(refusal.getMessage()));
        if (refusal.status == 405) {
          exchange.getResponseHeaders().set("Allow", refusal.allow);
        }
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", refusal.title());
        problem.put("status", refusal.status);
        problem.put("detail", refusal.getMessage());
        problem.put("instance", exchange.getRequestURI().getPath());
        answer(
            exchange, refusal.status, "application/problem+json", JSON.writeValueAsBytes(problem));
      }
    }
  }

  private Accepted route(HttpExchange exchange) throws IOException, Refusal {
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    refuseBrowsers(exchange);
    if (path.equals(TESTSTATUS_PATH)) {
      if (!method.equals("GET") && !method.equals("POST")) {
        throw Refusal.method("GET, POST");
      }
      return testStatus(exchange);
    }
    if (path.startsWith(RUNS) && path.endsWith(RESULTS)) {
      String runId = path.substring(RUNS.length(), path.length() - RESULTS.length());
      if (!method.equals("POST")) {
        throw Refusal.method("POST");
      }
      TestRun run = running.get(runId);
      if (run == null) {
        throw new Refusal(
            404, "no test is running at this URL: its test has ended, or the URL is wrong");
      }
      return json(run, exchange);
    }
    throw new Refusal(
        404,
        "unknown path: post to $CTA_RESULTS_URL or to $CTA_TESTSTATUS_URL ("
            + TESTSTATUS_PATH
            + ")");
  }

  /**
   * Refuses a request a web browser sent on behalf of a page (docs/security.md, "Smaller
   * protections"). A page under test runs on this host and can reach loopback: without this it
   * could load {@code <img src="http://127.0.0.1:port/testframework/teststatus?status=ok">} or
   * submit a form (a form POST needs no CORS preflight) and forge its own result. Test scripts
   * (curl, wget, HTTP libraries) send none of these headers; browsers send {@code Origin} on every
   * POST and cross-origin fetch, {@code Sec-Fetch-Site} on every request (only {@code none} is a
   * URL the user typed), and {@code Referer} on most others.
   */
  private static void refuseBrowsers(HttpExchange exchange) throws Refusal {
    var headers = exchange.getRequestHeaders();
    String site = headers.getFirst("Sec-Fetch-Site");
    String header =
        headers.containsKey("Origin")
            ? "Origin"
            : site != null && !site.strip().equalsIgnoreCase("none")
                ? "Sec-Fetch-Site"
                : headers.containsKey("Referer") ? "Referer" : null;
    if (header != null) {
      throw new Refusal(
          403,
          header
              + ": requests from web pages are refused; report results from the test's own"
              + " process (curl, an HTTP library)");
    }
  }

  /** {@code POST $CTA_RESULTS_URL} with a JSON {@link LocalResult}. */
  private Accepted json(TestRun run, HttpExchange exchange) throws IOException, Refusal {
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !mediaType(type).equals("application/json")) {
      throw new Refusal(415, "send the result as Content-Type: application/json");
    }
    byte[] body = body(exchange);
    if (body.length == 0) {
      throw new Refusal(400, "a JSON body is required, with at least \"status\"");
    }
    LocalResult posted;
    try {
      posted = RESULT.readValue(body);
    } catch (UnrecognizedPropertyException e) {
      throw new Refusal(400, field(e) + ": unknown field");
    } catch (JsonMappingException e) {
      throw new Refusal(
          400,
          e.getPath().isEmpty() ? "the body must be a JSON object" : field(e) + ": wrong type");
    } catch (JsonProcessingException e) {
      throw new Refusal(400, "the body is not valid JSON");
    }
    if (posted == null) {
      throw new Refusal(400, "the body must be a JSON object");
    }
    if (posted.executionId() != null && !posted.executionId().equals(run.executionId())) {
      throw new Refusal(
          409,
          "executionId: this URL belongs to execution "
              + run.executionId()
              + ", not "
              + posted.executionId());
    }
    if (posted.testId() != null && !posted.testId().equals(run.test().id())) {
      throw new Refusal(
          409,
          "testId: this URL belongs to test '"
              + run.test().id()
              + "', not '"
              + posted.testId()
              + "'");
    }
    return report(
        run,
        new CaseResult(
            caseName(posted.caseName()),
            status(posted.status()),
            posted.message(),
            posted.description(),
            duration(posted.durationMs()),
            custom(posted.custom()),
            files(run, "attachments", posted.attachments()),
            files(run, "screenshots", posted.screenshots())));
  }

  /** The older TestStatus form: query parameters, or a form body, of GET or POST. */
  private Accepted testStatus(HttpExchange exchange) throws IOException, Refusal {
    Map<String, List<String>> params = new LinkedHashMap<>();
    decode(exchange.getRequestURI().getRawQuery(), params);
    byte[] body = body(exchange);
    if (body.length > 0) {
      String type = exchange.getRequestHeaders().getFirst("Content-Type");
      if (type == null || !mediaType(type).equals("application/x-www-form-urlencoded")) {
        throw new Refusal(
            415, "send the parameters in the query or as application/x-www-form-urlencoded");
      }
      decode(new String(body, StandardCharsets.UTF_8), params);
    }
    String id = last(params, "id");
    List<TestRun> candidates =
        running.values().stream().filter(r -> id == null || r.test().id().equals(id)).toList();
    if (candidates.isEmpty()) {
      throw new Refusal(
          409,
          running.isEmpty()
              ? "no test is running on this agent"
              : "id: test '" + id + "' is not running on this agent");
    }
    if (candidates.size() > 1) {
      throw new Refusal(
          409,
          (id == null
                  ? "id: " + candidates.size() + " tests are"
                  : "id: " + candidates.size() + " runs of test '" + id + "' are")
              + " running on this agent; post to $CTA_RESULTS_URL, which names one");
    }
    TestRun run = candidates.get(0);
    Map<String, String> custom = new LinkedHashMap<>();
    params.forEach(
        (key, values) -> {
          if (!RESERVED.contains(key)) {
            custom.put(key, values.get(values.size() - 1)); // includes "build"
          }
        });
    return report(
        run,
        new CaseResult(
            "",
            status(last(params, "status")),
            last(params, "message"),
            last(params, "description"),
            null,
            custom(custom),
            files(run, "attachment", params.get("attachment")),
            files(run, "screenshot", params.get("screenshot"))));
  }

  private static Accepted report(TestRun run, CaseResult result) throws Refusal {
    if (!run.report(result)) {
      throw new Refusal(409, "test '" + run.test().id() + "' has ended: it takes no more results");
    }
    return new Accepted(
        run.executionId(),
        run.test().id(),
        run.attempt(),
        run.masker().mask(result.caseName()),
        result.status());
  }

  private static TestStatus status(String status) throws Refusal {
    if (status == null || status.isBlank()) {
      throw new Refusal(400, "status: required, one of ok, failed, partial, inconclusive");
    }
    try {
      return TestStatus.valueOf(status.strip().toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new Refusal(400, "status: must be one of ok, failed, partial, inconclusive");
    }
  }

  private static String caseName(String caseName) throws Refusal {
    if (caseName != null && caseName.length() > CaseResult.MAX_CASE_NAME) {
      throw new Refusal(400, "case: at most " + CaseResult.MAX_CASE_NAME + " characters");
    }
    return caseName;
  }

  private static Long duration(Long durationMs) throws Refusal {
    if (durationMs != null && durationMs < 0) {
      throw new Refusal(400, "durationMs: must not be negative");
    }
    return durationMs;
  }

  private static Map<String, String> custom(Map<String, String> custom) throws Refusal {
    if (custom == null) {
      return Map.of();
    }
    if (custom.size() > MAX_CUSTOM) {
      throw new Refusal(400, "custom: at most " + MAX_CUSTOM + " entries");
    }
    Map<String, String> kept = new LinkedHashMap<>();
    custom.forEach((key, value) -> kept.put(key, value == null ? "" : value));
    return kept;
  }

  /**
   * Each path as it is relative to the test's working directory, after checking that it names a
   * file inside it (links resolved). Relative paths are resolved against the working directory.
   */
  private static List<String> files(TestRun run, String field, List<String> paths) throws Refusal {
    if (paths == null) {
      return List.of();
    }
    if (paths.size() > MAX_FILES) {
      throw new Refusal(400, field + ": at most " + MAX_FILES + " files");
    }
    Path root;
    try {
      root = run.testDir().toRealPath();
    } catch (IOException e) {
      throw new Refusal(400, field + ": the test's working directory does not exist");
    }
    List<String> relative = new ArrayList<>();
    for (int i = 0; i < paths.size(); i++) {
      String name = field + "[" + i + "]";
      String path = paths.get(i);
      if (path == null || path.isBlank()) {
        throw new Refusal(400, name + ": a file path is required");
      }
      Path real;
      try {
        real = root.resolve(path).toRealPath();
      } catch (IOException | InvalidPathException e) {
        throw new Refusal(400, name + ": no such file: " + path);
      }
      if (!real.startsWith(root)) {
        throw new Refusal(
            400, name + ": must be inside the test's working directory " + root + ": " + path);
      }
      if (!Files.isRegularFile(real)) {
        throw new Refusal(400, name + ": not a regular file: " + path);
      }
      relative.add(root.relativize(real).toString().replace('\\', '/'));
    }
    return relative;
  }

  private static byte[] body(HttpExchange exchange) throws IOException, Refusal {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      if (body.length > MAX_BODY) {
        throw new Refusal(413, "the body is larger than " + MAX_BODY + " bytes");
      }
      return body;
    }
  }

  /** Adds {@code a=1&b=2} (URL-encoded) to the parameters. */
  private static void decode(String encoded, Map<String, List<String>> params) throws Refusal {
    if (encoded == null || encoded.isEmpty()) {
      return;
    }
    for (String pair : encoded.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      try {
        String key =
            URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value =
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        if (!key.isEmpty()) {
          params.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
      } catch (IllegalArgumentException e) {
        throw new Refusal(400, "malformed URL encoding in '" + pair + "'");
      }
    }
  }

  private static String last(Map<String, List<String>> params, String key) {
    List<String> values = params.get(key);
    return values == null ? null : values.get(values.size() - 1);
  }

  private static String mediaType(String contentType) {
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
        .strip()
        .toLowerCase(Locale.ROOT);
  }

  /** The JSON path of a mapping error, e.g. {@code custom.browser} or {@code attachments[0]}. */
  private static String field(JsonMappingException e) {
    StringBuilder field = new StringBuilder();
    for (JsonMappingException.Reference reference : e.getPath()) {
      if (reference.getFieldName() != null) {
        field.append(field.isEmpty() ? "" : ".").append(reference.getFieldName());
      } else if (reference.getIndex() >= 0) {
        field.append('[').append(reference.getIndex()).append(']');
      }
    }
    return field.toString();
  }

  private static void answer(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** What the endpoint accepted, as it answers. */
  record Accepted(
      String executionId,
      String testId,
      int attempt,
      @JsonProperty("case") String caseName,
      TestStatus status) {}

  /** A post refused with a 4xx status and a detail that names the field. */
  private static final class Refusal extends Exception {
    final int status;
    final String allow;

    Refusal(int status, String detail) {
      this(status, detail, null);
    }

    private Refusal(int status, String detail, String allow) {
      super(detail, null, false, false);
      this.status = status;
      this.allow = allow;
    }

    static Refusal method(String allow) {
      return new Refusal(405, "use " + allow, allow);
    }

    String title() {
      return switch (status) {
        case 400 -> "Bad Request";
        case 403 -> "Forbidden";
        case 404 -> "Not Found";
        case 405 -> "Method Not Allowed";
        case 409 -> "Conflict";
        case 413 -> "Content Too Large";
        case 415 -> "Unsupported Media Type";
        default -> "Error";
      };
    }
  }
}
