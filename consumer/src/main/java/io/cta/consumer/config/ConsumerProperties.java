package io.cta.consumer.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the consumer ({@code cta.consumer.*}).
 *
 * @param resultGrace how long completion waits for results an agent announced but that are not
 *     stored yet (design.md section 2, "Completion")
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
 */
@ConfigurationProperties("cta.consumer")
public record ConsumerProperties(
    Duration resultGrace,
    Duration agentHeartbeatTimeout,
    Duration reconcileInterval,
    Duration reconcileGrace,
    Integer workflowCacheSize,
    Integer maxDispatchAttempts,
    Duration stressLead) {

  public ConsumerProperties {
    resultGrace = resultGrace == null ? Duration.ofSeconds(60) : resultGrace;
    agentHeartbeatTimeout =
        agentHeartbeatTimeout == null ? Duration.ofSeconds(4) : agentHeartbeatTimeout;
    reconcileInterval = reconcileInterval == null ? Duration.ofSeconds(30) : reconcileInterval;
    reconcileGrace = reconcileGrace == null ? Duration.ofSeconds(30) : reconcileGrace;
    workflowCacheSize = workflowCacheSize == null ? 600 : workflowCacheSize;
    maxDispatchAttempts = maxDispatchAttempts == null ? 3 : Math.max(1, maxDispatchAttempts);
    stressLead = stressLead == null ? Duration.ofSeconds(2) : stressLead;
  }
}
