package io.cta.server.definition;

import java.time.Instant;
import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A suite on a configuration with its timeouts (milliseconds).
 *
 * @param retries how many more times a failed test is run (a pass on a retry is ok, flagged flaky)
 * @param concurrency how many of its executions may be active at once, or null for no limit
 * @param lastNumber the number of this scenario's latest execution, incremented atomically
 * @param notifications webhooks, emails and chains fired when an execution completes
 * @param retention how long its ended executions are kept, or null for the consumer's default
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
    int retries,
    Concurrency concurrency,
    List<Notification> notifications,
    Retention retention,
    long lastNumber,
    Instant createdAt,
    Instant updatedAt) {}
