package io.cta.activities.events;

import java.util.List;

/** {@code POST /agent/v1/events}: events of one machine, in the order they happened. */
public record EventBatch(String machine, List<AgentEvent> events) {}
