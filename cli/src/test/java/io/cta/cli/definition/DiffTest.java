package io.cta.cli.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class DiffTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static JsonNode json(String text) {
    return JSON.readTree(text);
  }

  @Test
  void givenAViewWithDefaultsAndServerFields_whenTheDocumentGivesLess_thenNothingChanges() {
    JsonNode view =
        json(
            """
            {"id": "x", "name": "s", "retries": 1, "pendingTimeout": 60000,
             "schedule": {"cron": "0 3 * * *", "state": "active", "nextFires": []},
             "tests": [{"id": "t", "stages": [{"run": "true", "timeout": 60000, "mandatory": true}]}],
             "notifications": [{"type": "webhook", "url": "https://h", "secretSet": true}],
             "createdAt": "2026-01-01T00:00:00Z"}
            """);
    JsonNode doc =
        json(
            """
            {"name": "s", "retries": 1.0, "pendingTimeout": 60000, "schedule": {"cron": "0 3 * * *"},
             "tests": [{"id": "t", "stages": [{"run": "true", "timeout": 60000}]}],
             "notifications": [{"type": "webhook", "url": "https://h", "secret": "write-only"}]}
            """);

    assertEquals(List.of(), Diff.changes(view, doc));
  }

  @Test
  void givenChangedAddedAndShorterFields_whenCompared_thenEachIsNamedWithItsPath() {
    JsonNode view = json("{\"retries\": 1, \"tests\": [{\"id\": \"a\"}, {\"id\": \"b\"}]}");
    JsonNode doc = json("{\"retries\": 2, \"description\": \"d\", \"tests\": [{\"id\": \"a\"}]}");

    assertEquals(
        List.of(
            "retries: 1 → 2",
            "description: (none) → \"d\"",
            "tests: [{\"id\":\"a\"},{\"id\":\"b\"}] → [{\"id\":\"a\"}]"),
        Diff.changes(view, doc));
  }
}
