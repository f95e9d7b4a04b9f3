package io.cta.activities.events;

/**
 * The consumer's answer to an event batch: how many events it stored. A redelivered event is stored
 * again and read back once (docs/agent.md).
 */
public record BatchAck(int accepted) {}
