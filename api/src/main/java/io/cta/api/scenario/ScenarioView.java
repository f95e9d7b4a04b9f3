package io.cta.api.scenario;

import io.cta.server.definition.Concurrency;
import io.cta.server.definition.Retention;
import io.cta.server.definition.ScenarioDocument;
import java.time.Instant;
import java.util.List;

public record ScenarioView(
    String id,
    String name,
    String description,
    String testSuiteId,
    String configurationId,
    long pendingTimeout,
    long runningTimeout,
    int retries,
    Concurrency concurrency,
    List<NotificationView> notifications,
    Retention retention,
    Instant createdAt,
    Instant updatedAt,
    ScheduleView schedule) {

  /**
   * @param fullUrls whether webhook URLs are shown whole (operators and admins) or redacted
   *     (viewers)
   */
  static ScenarioView of(ScenarioDocument d, ScheduleView schedule, boolean fullUrls) {
    return new ScenarioView(
        d.id(),
        d.name(),
        d.description(),
        d.testSuiteId(),
        d.configurationId(),
        d.pendingTimeout(),
        d.runningTimeout(),
        d.retries(),
        d.concurrency(),
        d.notifications() == null
            ? List.of()
            : d.notifications().stream().map(n -> NotificationView.of(n, fullUrls)).toList(),
        d.retention(),
        d.createdAt(),
        d.updatedAt(),
        schedule);
  }
}
