package io.cta.consumer.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the consumer ({@code cta.consumer.*}).
 *
 * @param resultGrace how long completion waits for results an agent announced but that are not
 *     stored yet (docs/design.md#completion)
 * @param agentHeartbeatTimeout an agent that stops heartbeating a running test for this long is
 *     lost; it also bounds how fast a cancel reaches the test (heartbeats carry it)
 * @param reconcileInterval how often the reconciler compares MongoDB with Temporal
 * @param reconcileGrace the reconciler leaves executions younger than this alone
 * @param workflowCacheSize workflows kept in memory between their tasks; 0 also turns off sticky
 *     task queues: the embedded Temporal test server never moves a workflow task off the sticky
 *     queue of a consumer that died, which would stall its executions (the launcher sets 0; keep
 *     the default on a real cluster)
 * @param maxDispatchAttempts how many machines may try a test whose machine is lost, when the
 *     target is a group or selector (a specific machine is never replaced)
 * @param stressLead how far after composing a stress execution its common start instant is: time
 *     for every machine's agent to take its first test
 * @param notifications how notifications are sent (SMTP itself is Spring Boot's {@code
 *     spring.mail.*}; see docs/notifications.md)
 * @param retention which ended executions are deleted, and when (docs/operations.md, "Retention")
 * @param files limits on the attachments and screenshots agents upload (docs/agent.md)
 */
@ConfigurationProperties("cta.consumer")
public record ConsumerProperties(
    Duration resultGrace,
    Duration agentHeartbeatTimeout,
    Duration reconcileInterval,
    Duration reconcileGrace,
    Integer workflowCacheSize,
    Integer maxDispatchAttempts,
    Duration stressLead,
    Notifications notifications,
    RetentionSettings retention,
    FileLimits files) {

  public ConsumerProperties {
    resultGrace = resultGrace == null ? Duration.ofSeconds(60) : resultGrace;
    agentHeartbeatTimeout =
        agentHeartbeatTimeout == null ? Duration.ofSeconds(4) : agentHeartbeatTimeout;
    reconcileInterval = reconcileInterval == null ? Duration.ofSeconds(30) : reconcileInterval;
    reconcileGrace = reconcileGrace == null ? Duration.ofSeconds(30) : reconcileGrace;
    workflowCacheSize = workflowCacheSize == null ? 600 : workflowCacheSize;
    maxDispatchAttempts = maxDispatchAttempts == null ? 3 : Math.max(1, maxDispatchAttempts);
    stressLead = stressLead == null ? Duration.ofSeconds(2) : stressLead;
    notifications =
        notifications == null ? new Notifications(null, null, null, null, false) : notifications;
    retention = retention == null ? new RetentionSettings(null, null, null, null, null) : retention;
    files = files == null ? new FileLimits(null, null, null, null) : files;
  }

  /**
   * Limits on uploaded files ({@code cta.consumer.files.*}).
   *
   * @param maxFileSize the largest attachment or screenshot (default 50 MB)
   * @param maxTestSize the most bytes of files one attempt of one test may upload on one machine
   *     (default 200 MB)
   * @param maxMachineSize the most bytes of files one machine may upload to one execution, all its
   *     tests and attempts together (default 1 GB): an agent can upload only to executions it takes
   *     part in while they run, so this bounds what one machine can store
   * @param maxExecutionSize the most bytes of files one execution may hold, all machines together
   *     (default 2 GB)
   */
  public record FileLimits(
      DataSize maxFileSize,
      DataSize maxTestSize,
      DataSize maxMachineSize,
      DataSize maxExecutionSize) {

    public FileLimits {
      maxFileSize = maxFileSize == null ? DataSize.ofMegabytes(50) : maxFileSize;
      maxTestSize = maxTestSize == null ? DataSize.ofMegabytes(200) : maxTestSize;
      maxMachineSize = maxMachineSize == null ? DataSize.ofGigabytes(1) : maxMachineSize;
      maxExecutionSize = maxExecutionSize == null ? DataSize.ofGigabytes(2) : maxExecutionSize;
    }
  }

  /**
   * Settings of notifications ({@code cta.consumer.notifications.*}).
   *
   * @param publicUrl the api's address as users reach it: links in notifications point there
   *     (default http://127.0.0.1:8080)
   * @param mailFrom the sender address of notification emails (default cta@localhost)
   * @param maxChainDepth the most chain notifications in a row: an execution this many chains deep
   *     starts no further one, which ends loops such as A to B to A (default 5)
   * @param webhookTimeout how long one webhook attempt may take, connection included (default 10 s)
   * @param allowLocalWebhooks whether webhooks may go to loopback, link-local (such as a cloud's
   *     metadata service at 169.254.169.254), wildcard or multicast addresses (default false: an
   *     editor must not make the consumer post into its own host; the embedded stack allows it)
   */
  public record Notifications(
      String publicUrl,
      String mailFrom,
      Integer maxChainDepth,
      Duration webhookTimeout,
      boolean allowLocalWebhooks) {

    public Notifications {
      publicUrl =
          publicUrl == null || publicUrl.isBlank()
              ? "http://127.0.0.1:8080"
              : publicUrl.replaceAll("/+$", "");
      mailFrom = mailFrom == null || mailFrom.isBlank() ? "cta@localhost" : mailFrom;
      maxChainDepth = maxChainDepth == null ? 5 : Math.max(0, maxChainDepth);
      webhookTimeout = webhookTimeout == null ? Duration.ofSeconds(10) : webhookTimeout;
    }
  }

  /**
   * The default retention of executions ({@code cta.consumer.retention.*}), for scenarios without
   * their own {@code retention}. Both limits off (the default) keeps every execution.
   *
   * @param days delete ended executions requested more than this many days ago (null or 0: off)
   * @param lastExecutions keep the executions among each scenario's latest this many run requests
   *     and delete its older ended ones (null or 0: off)
   * @param interval how often each consumer looks for executions to delete (default, and when not
   *     positive, 10 minutes)
   * @param minAge an ended execution is kept at least this long after it finished, whatever the
   *     limits, so that late results and notification retries never find it gone (default 1 hour)
   * @param auditDays delete audit entries older than this many days (null or 0: keep them all)
   */
  public record RetentionSettings(
      Integer days, Integer lastExecutions, Duration interval, Duration minAge, Integer auditDays) {

    public RetentionSettings {
      days = days == null || days <= 0 ? null : days;
      lastExecutions = lastExecutions == null || lastExecutions <= 0 ? null : lastExecutions;
      interval =
          interval == null || interval.isZero() || interval.isNegative()
              ? Duration.ofMinutes(10)
              : interval;
      minAge = minAge == null ? Duration.ofHours(1) : minAge;
      auditDays = auditDays == null || auditDays <= 0 ? null : auditDays;
    }
  }
}
