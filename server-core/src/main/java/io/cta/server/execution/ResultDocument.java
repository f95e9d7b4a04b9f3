package io.cta.server.execution;

import io.cta.activities.TestStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Field;

/**
 * One test status. Its id is derived from its counting key (execution, test, case, machine,
 * attempt), so a re-delivered report replaces instead of doubling. Its attachments and screenshots
 * are files of the {@link FileStore}.
 */
public record ResultDocument(
    @Id String id,
    String executionId,
    String testId,
    @Field("case") String caseName,
    String machine,
    int attempt,
    TestStatus status,
    String message,
    String description,
    Long durationMs,
    List<StoredFile> attachments,
    List<StoredFile> screenshots,
    Map<String, String> custom,
    Instant startedAt,
    Instant finishedAt,
    boolean late,
    Instant receivedAt) {

  public static String key(
      String executionId, String testId, String caseName, String machine, int attempt) {
    return String.join("/", executionId, testId, caseName == null ? "" : caseName, machine)
        + "/"
        + attempt;
  }
}
