package io.cta.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code GET /api/v1/suites|configurations|scenarios?name=}: exact match, as a value (the CLI finds
 * definitions by name with it, docs/cli.md).
 */
class NameFilterApiTest extends ApiHttpTest {

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    servers(registry, "cta-name-filter");
  }

  private final ObjectMapper json = new ObjectMapper();

  private Set<String> ids(String collection, String name) throws Exception {
    HttpResponse<String> answer =
        send(
            "GET",
            "/api/v1/"
                + collection
                + "?size=500&name="
                + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"),
            null,
            ADMIN);
    assertEquals(200, answer.statusCode(), answer.body());
    JsonNode page = json.readTree(answer.body());
    Set<String> ids = new HashSet<>();
    page.get("items").forEach(item -> ids.add(item.get("id").asText()));
    assertEquals(ids.size(), page.get("total").asInt(), answer.body());
    return ids;
  }

  @Test
  void givenDefinitionsWithSimilarNames_whenListedByName_thenOnlyExactMatchesComeBack()
      throws Exception {
    String suiteA = created("/api/v1/suites", Fixtures.suite("nf smoke"));
    String suiteB = created("/api/v1/suites", Fixtures.suite("nf smoke"));
    created("/api/v1/suites", Fixtures.suite("nf smoke 2"));
    created("/api/v1/suites", Fixtures.suite("NF SMOKE"));
    String config = created("/api/v1/configurations", Fixtures.configuration("nf linux"));
    created("/api/v1/configurations", Fixtures.configuration("nf linux-2"));
    String scenario = created("/api/v1/scenarios", Fixtures.scenario("nf nightly", suiteA, config));
    created("/api/v1/scenarios", Fixtures.scenario("nf nightly.", suiteB, config));

    assertEquals(Set.of(suiteA, suiteB), ids("suites", "nf smoke"));
    assertEquals(Set.of(config), ids("configurations", "nf linux"));
    assertEquals(Set.of(scenario), ids("scenarios", "nf nightly"));
    for (String pattern : List.of("nf smoke.*", "^nf smoke", "{\"$ne\": \"\"}", "nf", "")) {
      assertEquals(Set.of(), ids("suites", pattern), pattern);
    }
  }
}
