package io.cta.activities.events;

import java.util.List;
import java.util.Map;

/**
 * The server's desired state of an agent, answered to register and every heartbeat: its effective
 * labels, the task queues to poll, and whether to drain.
 */
public record AgentConfig(
    String machineId,
    String name,
    List<String> queues,
    Map<String, String> properties,
    List<String> groups,
    long heartbeatIntervalMs,
    boolean drain) {}
