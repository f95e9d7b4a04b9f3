package io.cta.activities.events;

import java.util.List;

/** {@code POST /agent/v1/heartbeat}: the agent is alive and runs these executions. */
public record HeartbeatRequest(String name, List<String> executions) {}
