package io.cta.server.definition;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A suite on a configuration with its timeouts (milliseconds).
 *
 * @param lastNumber the number of this scenario's latest execution, incremented atomically
 */
@Document("scenarios")
public record ScenarioDocument(
    @Id String id,
    String name,
    String description,
    String testSuiteId,
    String configurationId,
    long pendingTimeout,
    long runningTimeout,
    long lastNumber,
    Instant createdAt,
    Instant updatedAt) {}
