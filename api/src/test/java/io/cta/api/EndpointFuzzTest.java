package io.cta.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cta.activities.events.RegisterRequest;
import io.cta.server.machine.MachineStore;
import io.cta.server.security.RequestPaths;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.MethodParameter;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Malformed, oversized, wrongly typed and boundary-value requests, with an admin token, against
 * every endpoint found from the request mappings: none may answer 5xx, every 4xx is a problem
 * detail (a 400 about a field names it), and a rejected request (or any {@code GET}) changes no
 * stored document. Random but seeded: the seed is printed; rerun a failure with {@code
 * -Dcta.fuzz.seed=<seed>}. {@code -Dcta.fuzz.requests=<n>} sets the requests per endpoint.
 */
class EndpointFuzzTest extends ApiHttpTest {

  private static final long SEED = Long.getLong("cta.fuzz.seed", System.nanoTime());
  private static final int PER_ENDPOINT = Integer.getInteger("cta.fuzz.requests", 110);
  private static final String FIELD = "\u0000fuzz\u0000";

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    servers(registry, "cta-fuzz");
  }

  @Autowired ReactiveMongoTemplate mongo;
  @Autowired MachineStore machines;

  private final ObjectMapper json = new ObjectMapper();
  private final Random random = new Random(SEED);

  /** JSON values to put in place of a field, all syntactically valid. */
  private static final List<String> VALUES =
      List.of(
          "null",
          "\"\"",
          "\" \"",
          "0",
          "-1",
          "1",
          "-0.0",
          "1.5",
          "2147483648",
          "-2147483649",
          "9223372036854775807",
          "9223372036854775808",
          "-9223372036854775809",
          "1e308",
          "1e400",
          "true",
          "[]",
          "[null]",
          "[1, \"a\", {}]",
          "{}",
          "{\"$gt\": \"\"}",
          "{\"$ne\": null}",
          "{\"$where\": \"sleep(5000)\"}",
          "{\"a.b\": \"c\", \"$set\": \"d\", \"\": \"e\"}",
          "{\"k\": null}",
          "\"$where\"",
          "\"{\\\"$gt\\\": \\\"\\\"}\"",
          "\"' || '1'=='1\"",
          "\"\\u0000\"",
          "\"\\ud800\"",
          "\"\\u202e\\ud83d\\ude00 \\u65e5\\u672c\"",
          "\"../../etc/passwd\"",
          "\"a.b\"",
          "\"1970-01-01T00:00:00Z\"",
          "\"+1000000000-12-31T23:59:59.999999999Z\"",
          "\"-1000000000-01-01T00:00:00Z\"",
          "\"9999-12-31T23:59:59Z\"",
          "\"2099-01-01T00:00:00Z\"",
          "\"mono\"",
          "\"group\"",
          "\"stress\"",
          "\"virtual\"",
          "\"reject\"",
          "\"admin\"",
          "\"agent\"",
          "\"*/5 * * * *\"",
          "\"0 0 30 2 *\"",
          "\"* * * * * * *\"",
          "\"61 25 32 13 8\"",
          "\"Mars/Olympus\"",
          "\"lab-*\"",
          "\"os in (linux\"",
          "\"cores>=many\"",
          "\"" + "x".repeat(201) + "\"",
          "\"" + "x".repeat(10_001) + "\"",
          "\"" + "\\u00e9".repeat(20_000) + "\"",
          "1" + "0".repeat(5_000),
          "[" + "[".repeat(2_000) + "]".repeat(2_000) + "]");

  /** Whole bodies that are not JSON, or not a JSON object. */
  private static final List<String> BODIES =
      List.of(
          "",
          " ",
          "{",
          "}",
          "{\"name\": }",
          "{'name': 'x'}",
          "{\"name\": \"x\",}",
          "{\"name\": \"x\" /* comment */}",
          "{\"name\": NaN}",
          "{\"name\": \"unterminated}",
          "{\"name\": \"x\"}{\"name\": \"y\"}",
          "{\"name\": \"x\", \"name\": \"y\"}",
          "null",
          "true",
          "1",
          "\"a string\"",
          "[]",
          "[{}]",
          "{}",
          "\u0000",
          "<xml/>",
          "name=x&tests=y",
          "{\"$where\": \"sleep(5000)\"}",
          "{\"_id\": {\"$gt\": \"\"}, \"id\": \"injected\"}");

  private static final List<String> PARAM_VALUES =
      List.of(
          "",
          " ",
          "0",
          "-1",
          "1",
          "500",
          "501",
          "2147483647",
          "2147483648",
          "-2147483649",
          "99999999999999999999",
          "1.5",
          "1e3",
          "abc",
          "null",
          "[]",
          "{\"$gt\": \"\"}",
          "{\"$ne\": null}",
          "$where",
          "name",
          "name,asc",
          "name,desc",
          "name,sideways",
          "name,asc,extra",
          "requestedAt,desc",
          ",",
          "\u65e5\u672c",
          "%",
          "2026-01-31T12:00:00Z",
          "2026-13-45T99:99:99Z",
          "+1000000000-12-31T23:59:59Z",
          "running",
          "ok",
          "online",
          "os=linux",
          "=",
          "a=",
          "x".repeat(3_000));

  private static final List<String> IDS =
      List.of(
          "no-such-id",
          "000000000000000000000000",
          "bootstrap-admin",
          "%24where",
          "%7B%22%24gt%22%3A%22%22%7D",
          "%5B%24ne%5D",
          "%E2%98%83",
          "%00",
          "%20",
          "..",
          "%2E%2E",
          "a%2Fb",
          "%25",
          "name;a=1",
          "null",
          "-1",
          "x".repeat(1_000),
          "x".repeat(3_000));

  private static final List<String> CONTENT_TYPES =
      List.of(
          "",
          "text/plain",
          "application/xml",
          "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=x",
          "application/json; charset=ISO-8859-1",
          "application/json; charset=no-such-charset",
          "application/*",
          "garbage",
          "application/problem+json");

  private static final List<String> ACCEPTS =
      List.of(
          "application/xml",
          "text/html",
          "text/event-stream",
          "application/json;q=0",
          "garbage",
          "*/*",
          "application/problem+json");

  private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");

  /** An endpoint with what its handler takes: query parameters and the request body's type. */
  record Target(Endpoint endpoint, List<String> params, String body) {}

  /** One request sent, with what was mutated (a field path, or null). */
  record Sent(
      String method,
      String path,
      String contentType,
      String accept,
      String body,
      List<String> field) {
    @Override
    public String toString() {
      String shown = body == null ? "" : body.length() > 300 ? body.substring(0, 300) + "…" : body;
      return method
          + " "
          + (path.length() > 200 ? path.substring(0, 200) + "…" : path)
          + " [Content-Type: "
          + contentType
          + ", Accept: "
          + accept
          + "] "
          + (body != null && body.length() > 300 ? "(" + body.length() + " chars) " : "")
          + shown;
    }
  }

  @Test
  void givenMalformedRequests_whenSentToEveryEndpoint_thenNoneFailsAndRejectedOnesChangeNothing()
      throws Exception {
    System.out.println(
        "EndpointFuzzTest seed: " + SEED + " (rerun with -Dcta.fuzz.seed=" + SEED + ")");
    Map<String, String> ids = fixtures();
    Map<String, Function<Random, String>> bodies = validBodies(ids);
    List<Target> targets = targets();

    List<String> wrong = new ArrayList<>();
    Map<Integer, Integer> statuses = new TreeMap<>();
    Map<String, Map<Object, Document>> before = snapshot();
    List<Sent> reads = new ArrayList<>();
    long started = System.nanoTime();
    int sent = 0;
    for (Target target : targets) {
      for (int i = 0; i < PER_ENDPOINT; i++) {
        Sent request = generate(target, ids, bodies);
        boolean read = request.method().equals("GET");
        if (!read && !reads.isEmpty()) {
          before = unchanged(before, reads, wrong);
        }
        HttpResponse<String> response;
        long t0 = System.nanoTime();
        try {
          response = send(request);
        } catch (HttpTimeoutException e) {
          wrong.add("no answer within 30 s: " + request);
          continue;
        } catch (java.io.IOException e) {
          wrong.add("the connection closed without an answer (" + e.getMessage() + "): " + request);
          continue;
        } finally {
          sent++;
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (ms > 10_000) {
          wrong.add("answered after " + ms + " ms: " + request);
        }
        statuses.merge(response.statusCode(), 1, Integer::sum);
        check(request, response, wrong);
        if (read) {
          reads.add(request);
        } else {
          Map<String, Map<Object, Document>> after = snapshot();
          if (response.statusCode() >= 400 && !after.equals(before)) {
            wrong.add(
                response.statusCode()
                    + " but changed "
                    + difference(before, after)
                    + ": "
                    + request);
          }
          before = after;
        }
      }
      if (!reads.isEmpty()) {
        before = unchanged(before, reads, wrong);
      }
    }
    long seconds = (System.nanoTime() - started) / 1_000_000_000;
    System.out.println(
        "EndpointFuzzTest: "
            + sent
            + " requests to "
            + targets.size()
            + " endpoints in "
            + seconds
            + " s, seed "
            + SEED
            + ", statuses "
            + statuses);
    wrong.stream()
        .limit(300)
        .forEach(w -> System.out.println("FUZZ-WRONG " + w.replace('\n', ' ')));
    assertEquals(
        List.of(), wrong.stream().limit(20).toList(), wrong.size() + " wrong, seed " + SEED);
  }

  /** Checks that the reads since the last snapshot changed nothing; answers a new snapshot. */
  private Map<String, Map<Object, Document>> unchanged(
      Map<String, Map<Object, Document>> before, List<Sent> reads, List<String> wrong) {
    Map<String, Map<Object, Document>> after = snapshot();
    if (!after.equals(before)) {
      wrong.add("one of these reads changed " + difference(before, after) + ": " + reads);
    }
    reads.clear();
    return after;
  }

  private void check(Sent request, HttpResponse<String> response, List<String> wrong) {
    int status = response.statusCode();
    String answer = status + " " + abbreviate(response.body()) + " to " + request;
    if (status >= 500) {
      wrong.add(answer);
      return;
    }
    if (status == 414 && request.path().length() > 4000) {
      return; // Netty's limit on the request line, before Spring: no body (docs/api.md)
    }
    if (status == 405 && response.headers().firstValue("Allow").isEmpty()) {
      wrong.add("405 without Allow: " + answer);
    }
    if (status < 400) {
      return;
    }
    if (!response
        .headers()
        .firstValue("Content-Type")
        .orElse("")
        .startsWith("application/problem+json")) {
      wrong.add("not a problem detail: " + answer);
      return;
    }
    JsonNode problem;
    try {
      problem = json.readTree(response.body());
    } catch (Exception e) {
      wrong.add("problem is not JSON: " + answer);
      return;
    }
    if (problem.path("status").asInt() != status || problem.path("title").asText().isBlank()) {
      wrong.add("problem without status or title: " + answer);
    }
    String detail = problem.path("detail").asText();
    if (status == 400 && detail.isBlank()) {
      wrong.add("400 without detail: " + answer);
    }
    if (status == 400
        && request.field() != null
        && !detail.contains("exceeds the maximum") // a Jackson limit, which names no field
        && RequestPaths.violation(URI.create(request.path()).getRawPath()) == null
        && request.field().stream().noneMatch(detail::contains)) {
      wrong.add("400 detail does not name " + request.field() + ": " + answer);
    }
  }

  private Sent generate(
      Target target, Map<String, String> ids, Map<String, Function<Random, String>> bodies)
      throws Exception {
    Endpoint endpoint = target.endpoint();
    String method =
        random.nextInt(100) < 3 ? METHODS.get(random.nextInt(METHODS.size())) : endpoint.method();

    StringBuilder path = new StringBuilder();
    String[] segments = endpoint.path().split("/");
    for (int i = 1; i < segments.length; i++) {
      String segment = segments[i];
      if (segment.startsWith("{")) {
        String real = ids.get(segments[i - 1]);
        segment = real != null && random.nextInt(100) < 70 ? real : pick(IDS);
      }
      path.append('/').append(segment);
    }
    List<String> query = new ArrayList<>();
    for (String param : target.params()) {
      if (random.nextInt(100) < 30) {
        query.add(param + "=" + encode(pick(PARAM_VALUES)));
      }
    }
    if (random.nextInt(100) < 10) {
      query.add(pick(List.of("page=1&page=2", "state[$ne]=x", "$where=1", "sort=", "size")));
    }
    if (!query.isEmpty()) {
      path.append('?').append(String.join("&", query));
    }

    String contentType = random.nextInt(100) < 85 ? "application/json" : pick(CONTENT_TYPES);
    String accept = random.nextInt(100) < 90 ? "" : pick(ACCEPTS);

    String body = null;
    List<String> field = null;
    Function<Random, String> valid = target.body() == null ? null : bodies.get(target.body());
    if (valid != null || random.nextInt(100) < 5) {
      int kind = random.nextInt(1000);
      String base = valid == null ? Fixtures.cancel() : valid.apply(random);
      if (kind < 100) {
        body = base;
      } else if (kind < 550) {
        JsonNode tree = json.readTree(base);
        List<Object> at = randomPath(tree);
        String value = pick(VALUES);
        body =
            json.writeValueAsString(replace(tree, at, FIELD))
                .replace(json.writeValueAsString(FIELD), value);
        boolean parsable =
            !value.startsWith("1e4") && !value.startsWith("10000") && !value.startsWith("[[");
        field = parsable && valid != null ? names(at) : null;
      } else if (kind < 650) {
        JsonNode tree = json.readTree(base);
        body = json.writeValueAsString(remove(tree, randomPath(tree)));
      } else if (kind < 800) {
        body = breakJson(base);
      } else if (kind < 950) {
        body = pick(BODIES);
      } else if (kind < 997) {
        body = null;
      } else if (valid != null
          && RequestPaths.violation(URI.create(path.toString()).getRawPath()) != null) {
        // A path refused before the handler reads at most 1 MB of a body (docs/security.md): the
        // size case below needs a path that only the size can refuse.
        body = base;
      } else if (valid != null) {
        // Just below or just above the 16 MB limit, sent so that only the size can be refused:
        // a server refusing a large body unread closes the connection while the client writes.
        int size = (16 << 20) + (kind < 998 ? -64 : 64);
        body = "{\"name\": \"" + "z".repeat(size) + "\"}";
        method = endpoint.method();
        contentType = "application/json";
        accept = "";
      }
    }
    return new Sent(method, path.toString(), contentType, accept, body, field);
  }

  private HttpResponse<String> send(Sent request) throws Exception {
    List<String> headers =
        new ArrayList<>(List.of("Content-Type", request.contentType(), "Accept", request.accept()));
    if (request.method().equals("PUT") && random.nextInt(100) < 10) {
      headers.addAll(
          List.of("If-Match", pick(List.of("\"1\"", "*", "garbage", "W/\"1\"", "\"\""))));
    }
    return send(
        request.method(), request.path(), request.body(), ADMIN, headers.toArray(String[]::new));
  }

  /** A copy of valid JSON with one character dropped, added or changed, or cut short. */
  private String breakJson(String valid) {
    int at = random.nextInt(valid.length());
    String noise = pick(List.of("{", "}", "[", "]", "\"", ",", ":", "\\", "\u0000", "\ud800"));
    return switch (random.nextInt(4)) {
      case 0 -> valid.substring(0, at);
      case 1 -> valid.substring(0, at) + noise + valid.substring(at);
      case 2 -> valid.substring(0, at) + valid.substring(at + 1);
      default -> valid.substring(0, at) + noise + valid.substring(at + 1);
    };
  }

  /** The path (object field names and array indices) to one of the tree's values. */
  private List<Object> randomPath(JsonNode tree) {
    List<List<Object>> paths = new ArrayList<>();
    paths(tree, new ArrayList<>(), paths);
    return paths.get(random.nextInt(paths.size()));
  }

  /** Every path to a value of the tree. */
  private static void paths(JsonNode node, List<Object> at, List<List<Object>> out) {
    if (!at.isEmpty()) {
      out.add(List.copyOf(at));
    }
    if (node.isObject()) {
      node.fieldNames()
          .forEachRemaining(
              name -> {
                at.add(name);
                paths(node.get(name), at, out);
                at.remove(at.size() - 1);
              });
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        at.add(i);
        paths(node.get(i), at, out);
        at.remove(at.size() - 1);
      }
    }
  }

  private JsonNode replace(JsonNode tree, List<Object> at, String value) {
    JsonNode parent = parent(tree, at);
    Object last = at.get(at.size() - 1);
    if (parent instanceof ObjectNode object) {
      object.put((String) last, value);
    } else {
      ((ArrayNode) parent).set((Integer) last, json.getNodeFactory().textNode(value));
    }
    return tree;
  }

  private static JsonNode remove(JsonNode tree, List<Object> at) {
    JsonNode parent = parent(tree, at);
    Object last = at.get(at.size() - 1);
    if (parent instanceof ObjectNode object) {
      object.remove((String) last);
    } else {
      ((ArrayNode) parent).remove((Integer) last);
    }
    return tree;
  }

  private static JsonNode parent(JsonNode tree, List<Object> at) {
    JsonNode node = tree;
    for (Object step : at.subList(0, at.size() - 1)) {
      node = step instanceof String name ? node.get(name) : node.get((Integer) step);
    }
    return node;
  }

  /** The field names along a path, which a 400's detail should mention one of. */
  private static List<String> names(List<Object> at) {
    return at.stream().filter(String.class::isInstance).map(String.class::cast).toList();
  }

  /** Every endpoint, deletes last, with its query parameters and body type. */
  private List<Target> targets() {
    List<Target> targets = new ArrayList<>();
    for (Endpoint endpoint : endpoints()) {
      List<String> params = new ArrayList<>();
      String body = null;
      for (MethodParameter parameter : endpoint.handler().getMethodParameters()) {
        RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
        if (param != null) {
          params.add(param.name().isEmpty() ? parameter.getParameterName() : param.name());
        }
        if (parameter.hasParameterAnnotation(RequestBody.class)) {
          body = parameter.getParameterType().getSimpleName();
        }
      }
      targets.add(new Target(endpoint, params, body));
    }
    targets.sort(Comparator.comparing(t -> t.endpoint().method().equals("DELETE")));
    return targets;
  }

  /** One of each thing the endpoints act on; answers their ids by the path segment before them. */
  private Map<String, String> fixtures() throws Exception {
    String suite = created("/api/v1/suites", Fixtures.suite("fuzz suite"));
    String configuration =
        created("/api/v1/configurations", Fixtures.configuration("fuzz configuration"));
    String scenario =
        created("/api/v1/scenarios", Fixtures.scenario("fuzz scenario", suite, configuration));
    assertEquals(
        200,
        send(
                "PUT",
                "/api/v1/scenarios/" + scenario + "/schedule",
                Fixtures.schedule("0 3 * * *"),
                ADMIN)
            .statusCode());
    String execution = created("/api/v1/scenarios/" + scenario + "/run", Fixtures.run());
    String token = created("/api/v1/tokens", Fixtures.token("fuzz token"));
    assertEquals(
        201, send("POST", "/api/v1/secrets", Fixtures.secret("fuzz-key"), ADMIN).statusCode());
    created("/api/v1/vm-pools", Fixtures.vmPool("fuzz-pool"));
    machines
        .register(
            new RegisterRequest(
                "fuzz-machine",
                "fuzz-host",
                "127.0.0.1",
                "linux",
                "amd64",
                2,
                1L << 30,
                "test",
                Map.of("os", "linux"),
                List.of("lab"),
                1),
            Instant.now())
        .block();
    return Map.of(
        "suites", suite,
        "configurations", configuration,
        "scenarios", scenario,
        "executions", execution,
        "tokens", token,
        "machines", "fuzz-machine",
        "vm-pools", "fuzz-pool");
  }

  /** Valid bodies by request type; names vary so that unique names do not reject them all. */
  private static Map<String, Function<Random, String>> validBodies(Map<String, String> ids) {
    return Map.of(
        "SuiteRequest", r -> Fixtures.suite("suite " + r.nextInt(1000)),
        "ConfigurationRequest", r -> Fixtures.configuration("configuration " + r.nextInt(1000)),
        "ScenarioRequest",
            r ->
                Fixtures.scenario(
                    "scenario " + r.nextInt(1000), ids.get("suites"), ids.get("configurations")),
        "ScheduleRequest", r -> Fixtures.schedule("*/" + (1 + r.nextInt(59)) + " * * * *"),
        "RunRequest", r -> Fixtures.run(),
        "CancelRequest", r -> Fixtures.cancel(),
        "MachinePatch", r -> Fixtures.machinePatch(),
        "MachineRequest", r -> Fixtures.sshMachine("ssh-" + r.nextInt(1000), "fuzz-key"),
        "TokenRequest", r -> Fixtures.token("token " + r.nextInt(1000)),
        "VmPoolRequest", r -> Fixtures.vmPool("pool-" + r.nextInt(1000)));
  }

  /** Every stored document but the audit log's (which records rejected requests by design). */
  private Map<String, Map<Object, Document>> snapshot() {
    return mongo
        .getCollectionNames()
        .filter(name -> !name.equals("audit") && !name.startsWith("system."))
        .flatMap(
            name ->
                mongo
                    .getCollection(name)
                    .flatMapMany(collection -> collection.find())
                    .collectMap(document -> document.get("_id"))
                    .map(documents -> Map.entry(name, documents)))
        .collectMap(Map.Entry::getKey, Map.Entry::getValue, TreeMap::new)
        .block();
  }

  private static String difference(
      Map<String, Map<Object, Document>> before, Map<String, Map<Object, Document>> after) {
    for (String collection : after.keySet()) {
      Map<Object, Document> was = before.getOrDefault(collection, Map.of());
      for (Document now : after.get(collection).values()) {
        if (!now.equals(was.get(now.get("_id")))) {
          return collection + " (now " + abbreviate(now.toJson()) + ")";
        }
      }
      if (was.size() != after.get(collection).size()) {
        return collection + " (a document was deleted)";
      }
    }
    return "a collection was dropped";
  }

  private <T> T pick(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String abbreviate(String text) {
    return text == null || text.length() <= 300 ? text : text.substring(0, 300) + "…";
  }
}
