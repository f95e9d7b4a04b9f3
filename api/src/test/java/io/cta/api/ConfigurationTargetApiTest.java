package io.cta.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A configuration's target over REST (docs/configurations.md#targets): each kind keeps the JSON
 * shape {@code {"machine", "group", "selector"}} with one set, and an invalid target gets the 400
 * problems the docs list.
 */
class ConfigurationTargetApiTest extends ApiHttpTest {

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    servers(registry, "cta-configuration-target");
  }

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void givenEachKindOfTarget_whenSavedAndRead_thenItsJsonKeepsAllThreeFieldsWithOneSet()
      throws Exception {
    Map<String, String> targets =
        Map.of(
            "{\"machine\": \"lab-01\"}",
            "{\"machine\":\"lab-01\",\"group\":null,\"selector\":null}",
            "{\"group\": \"gpu\"}",
            "{\"machine\":null,\"group\":\"gpu\",\"selector\":null}",
            "{\"selector\": \"os=linux\"}",
            "{\"machine\":null,\"group\":null,\"selector\":\"os=linux\"}");
    for (Map.Entry<String, String> target : targets.entrySet()) {
      String id =
          created(
              "/api/v1/configurations", "{\"name\": \"t\", \"target\": " + target.getKey() + "}");

      HttpResponse<String> read = send("GET", "/api/v1/configurations/" + id, null, ADMIN);

      assertEquals(200, read.statusCode(), read.body());
      assertEquals(
          json.readTree(target.getValue()), json.readTree(read.body()).get("target"), read.body());
    }
  }

  @Test
  void givenInvalidTargets_whenSaved_thenA400SaysWhatIsWrong() throws Exception {
    assertProblem("{\"target\": {}}", "target: give exactly one of machine, group or selector");
    assertProblem(
        "{\"target\": {\"machine\": \"m\", \"group\": \"g\"}}",
        "target: give exactly one of machine, group or selector");
    assertProblem(
        "{\"target\": {\"machine\": \"lab 01\"}}",
        "target: 'lab 01' is not a valid name (1-128 letters, digits, '.', '_' or '-')");
    assertProblem(
        "{\"runMode\": \"group\", \"target\": {\"machine\": \"lab-01\"}}",
        "runMode: group mode needs a group or selector target");
    assertProblem(
        "{\"target\": {\"selector\": \"cores>=many\"}}",
        "target.selector: expected a number after a comparison, got 'many' at position 7");
  }

  private void assertProblem(String fields, String detail) throws Exception {
    String body = "{\"name\": \"bad\", " + fields.substring(1);
    HttpResponse<String> refused = send("POST", "/api/v1/configurations", body, ADMIN);

    assertEquals(400, refused.statusCode(), refused.body());
    JsonNode problem = json.readTree(refused.body());
    assertEquals(detail, problem.get("detail").asText(), refused.body());
  }
}
