package io.cta.api.suite;

import io.cta.server.definition.SuiteDocument;
import io.cta.server.definition.TestDefinition;
import java.time.Instant;
import java.util.List;

public record SuiteView(
    String id,
    String name,
    String description,
    List<TestDefinition> tests,
    Instant createdAt,
    Instant updatedAt) {

  static SuiteView of(SuiteDocument d) {
    return new SuiteView(
        d.id(), d.name(), d.description(), d.tests(), d.createdAt(), d.updatedAt());
  }
}
