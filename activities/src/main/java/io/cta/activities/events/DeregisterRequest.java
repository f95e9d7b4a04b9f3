package io.cta.activities.events;

/**
 * {@code POST /agent/v1/deregister}: the agent drained and exits; its machine is offline until it
 * registers again.
 */
public record DeregisterRequest(String name) {}
