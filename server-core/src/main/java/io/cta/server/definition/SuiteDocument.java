package io.cta.server.definition;

import java.time.Instant;
import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/** A test suite: ordered tests. Executions keep a copy of the suite they ran. */
@Document("suites")
public record SuiteDocument(
    @Id String id,
    String name,
    String description,
    List<TestDefinition> tests,
    Instant createdAt,
    Instant updatedAt) {}
