package io.cta.activities.events;

import java.util.List;

/**
 * {@code POST /agent/v1/heartbeat}: the agent is alive and runs these executions.
 *
 * @param stopping the agent is shutting down (SIGTERM): it takes no new work and exits once its
 *     running tests end, so the server shows its machine draining
 */
public record HeartbeatRequest(String name, List<String> executions, boolean stopping) {}
