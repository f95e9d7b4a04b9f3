package io.cta.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cta.server.security.Role;
import io.cta.server.security.TokenStore;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Mono;

/**
 * {@code /api/v1/secrets}: values go in and never come out (answers, problems, audit, MongoDB), who
 * may do what, and suites that reference secrets.
 */
class SecretsApiTest extends ApiHttpTest {

  private static final String CANARY = "canary-Zq9-value";

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    servers(registry, "cta-secrets");
  }

  @Autowired TokenStore tokens;
  @Autowired ReactiveMongoTemplate mongo;

  private final ObjectMapper json = new ObjectMapper();
  private final List<String> answers = new ArrayList<>();

  private HttpResponse<String> call(String method, String path, String body, String token)
      throws Exception {
    HttpResponse<String> response = send(method, path, body, token);
    answers.add(response.body());
    return response;
  }

  private static String secret(String name, String value) {
    return "{\"name\": \"" + name + "\", \"value\": \"" + value + "\"}";
  }

  private static String suiteUsing(String name, String envValue) {
    return """
        {"name": "%s", "tests": [{"id": "t1", "stages": [{"run": "true",
         "env": {"PLAIN": "x", "DB_URL": "%s"}}]}]}
        """
        .formatted(name, envValue);
  }

  private void assertNoValueLeft(String... values) {
    List<Document> raw = new ArrayList<>();
    for (String collection : List.of("secrets", "audit", "suites")) {
      raw.addAll(mongo.find(new Query(), Document.class, collection).collectList().block());
    }
    for (String value : values) {
      for (String answer : answers) {
        assertFalse(answer.contains(value), "an answer shows a value: " + answer);
      }
      String encoded = Base64.getEncoder().encodeToString(value.getBytes());
      for (Document document : raw) {
        assertFalse(document.toJson().contains(value), document.toJson());
        assertFalse(document.toJson().contains(encoded), document.toJson());
      }
    }
  }

  @Test
  void givenAnOperator_whenCreatingListingRotatingAndDeleting_thenOnlyNamesAndDatesComeBack()
      throws Exception {
    String operator = tokens.create("ops", Role.operator, null).block().secret();

    HttpResponse<String> created =
        call("POST", "/api/v1/secrets", secret("db-pass", CANARY), operator);
    HttpResponse<String> twice =
        call("POST", "/api/v1/secrets", secret("db-pass", CANARY), operator);
    HttpResponse<String> listed = call("GET", "/api/v1/secrets?size=10", null, operator);
    HttpResponse<String> rotated =
        call("PUT", "/api/v1/secrets/db-pass", "{\"value\": \"" + CANARY + "-2\"}", operator);
    HttpResponse<String> deleted = call("DELETE", "/api/v1/secrets/db-pass", null, operator);
    HttpResponse<String> gone = call("PUT", "/api/v1/secrets/db-pass", "{\"value\": \"v\"}", ADMIN);

    assertEquals(201, created.statusCode(), created.body());
    JsonNode view = json.readTree(created.body());
    assertEquals("db-pass", view.get("name").asText());
    assertTrue(view.has("createdAt") && view.has("updatedAt"), created.body());
    assertEquals(3, view.size(), created.body());
    assertEquals("/api/v1/secrets/db-pass", created.headers().firstValue("Location").orElseThrow());
    assertEquals(409, twice.statusCode(), twice.body());
    assertEquals(200, listed.statusCode(), listed.body());
    JsonNode page = json.readTree(listed.body());
    assertEquals(1, page.get("total").asInt());
    assertEquals("db-pass", page.get("items").get(0).get("name").asText());
    assertEquals(200, rotated.statusCode(), rotated.body());
    assertTrue(
        json.readTree(rotated.body())
                .get("updatedAt")
                .asText()
                .compareTo(view.get("updatedAt").asText())
            > 0,
        rotated.body());
    assertEquals(204, deleted.statusCode(), deleted.body());
    assertEquals(404, gone.statusCode(), gone.body());
    // The entry of a refused request may land just after its answer: poll, bounded.
    List<Document> audit =
        Mono.defer(
                () ->
                    mongo
                        .find(
                            Query.query(Criteria.where("resource").is("secrets"))
                                .with(Sort.by("_id")),
                            Document.class,
                            "audit")
                        .collectList())
            .filter(entries -> entries.size() >= 5)
            .repeatWhenEmpty(tries -> tries.delayElements(Duration.ofMillis(50)))
            .timeout(Duration.ofSeconds(10))
            .block();
    assertEquals(
        List.of("POST", "POST", "PUT", "DELETE", "PUT"),
        audit.stream().map(e -> e.getString("method")).toList());
    assertEquals("db-pass", audit.get(0).getString("resourceId"));
    assertNoValueLeft(CANARY);
  }

  @Test
  void givenAViewerOrAnAgent_whenTheyTouchSecrets_thenViewersListOnlyAndAgentsNothing()
      throws Exception {
    String viewer = tokens.create("viewer", Role.viewer, null).block().secret();
    String agent = tokens.create("agent", Role.agent, "lab-01").block().secret();

    assertEquals(200, call("GET", "/api/v1/secrets", null, viewer).statusCode());
    assertEquals(403, call("POST", "/api/v1/secrets", secret("v1", CANARY), viewer).statusCode());
    assertEquals(403, call("GET", "/api/v1/secrets", null, agent).statusCode());
    assertEquals(403, call("POST", "/api/v1/secrets", secret("v1", CANARY), agent).statusCode());
    assertNoValueLeft(CANARY);
  }

  @Test
  void givenBadInput_whenCreating_thenTheProblemNamesTheFieldButNeverEchoesTheValue()
      throws Exception {
    HttpResponse<String> badName = call("POST", "/api/v1/secrets", secret("a b", CANARY), ADMIN);
    HttpResponse<String> wrongType =
        call(
            "POST",
            "/api/v1/secrets",
            "{\"name\": \"x1\", \"value\": {\"" + CANARY + "\": 1}}",
            ADMIN);
    HttpResponse<String> notJson =
        call("POST", "/api/v1/secrets", "{\"name\": \"x1\", \"value\": " + CANARY + "}", ADMIN);
    HttpResponse<String> tooLarge =
        call("POST", "/api/v1/secrets", secret("x1", "v".repeat(64 * 1024 + 1)), ADMIN);
    HttpResponse<String> empty = call("POST", "/api/v1/secrets", secret("x1", ""), ADMIN);

    assertEquals(400, badName.statusCode(), badName.body());
    assertTrue(badName.body().contains("name: use 1-128"), badName.body());
    assertEquals(400, wrongType.statusCode(), wrongType.body());
    assertEquals(
        "value: expected a string", json.readTree(wrongType.body()).get("detail").asText());
    assertEquals(400, notJson.statusCode(), notJson.body());
    // Jackson names the unexpected token: not even the start of a value may show.
    assertFalse(notJson.body().contains("canary"), notJson.body());
    assertEquals(400, tooLarge.statusCode(), tooLarge.body());
    assertTrue(tooLarge.body().contains("value: at most 64 KiB"), tooLarge.body());
    assertEquals(400, empty.statusCode(), empty.body());
    assertNoValueLeft(CANARY);
  }

  @Test
  void givenSuitesReferencingSecrets_whenSavedOrTheSecretDeleted_thenUnknownIs400AndInUseIs409()
      throws Exception {
    assertEquals(
        201, call("POST", "/api/v1/secrets", secret("api-key", CANARY), ADMIN).statusCode());

    HttpResponse<String> unknown =
        call("POST", "/api/v1/suites", suiteUsing("s-unknown", "u:${secret:nope}@h"), ADMIN);
    HttpResponse<String> malformed =
        call("POST", "/api/v1/suites", suiteUsing("s-bad", "${secret:}"), ADMIN);
    HttpResponse<String> unclosed =
        call("POST", "/api/v1/suites", suiteUsing("s-open", "x ${secret:api-key"), ADMIN);
    String suiteId = created("/api/v1/suites", suiteUsing("uses-key", "u:${secret:api-key}@h"));
    HttpResponse<String> inUse = call("DELETE", "/api/v1/secrets/api-key", null, ADMIN);
    HttpResponse<String> edited =
        call("PUT", "/api/v1/suites/" + suiteId, suiteUsing("uses-key", "${secret:nope}"), ADMIN);

    assertEquals(400, unknown.statusCode(), unknown.body());
    assertEquals(
        "tests[0].stages[0].env.DB_URL: secret 'nope' does not exist",
        json.readTree(unknown.body()).get("detail").asText());
    assertEquals(400, malformed.statusCode(), malformed.body());
    assertTrue(malformed.body().contains("tests[0].stages[0].env.DB_URL"), malformed.body());
    assertEquals(400, unclosed.statusCode(), unclosed.body());
    assertEquals(409, inUse.statusCode(), inUse.body());
    assertTrue(inUse.body().contains("suite 'uses-key' (" + suiteId + ")"), inUse.body());
    assertEquals(400, edited.statusCode(), edited.body());
    assertEquals(204, call("DELETE", "/api/v1/suites/" + suiteId, null, ADMIN).statusCode());
    assertEquals(204, call("DELETE", "/api/v1/secrets/api-key", null, ADMIN).statusCode());
    assertNoValueLeft(CANARY);
  }
}
