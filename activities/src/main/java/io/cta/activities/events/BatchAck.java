package io.cta.activities.events;

/** The answer to an event batch: how many events were new and how many were already stored. */
public record BatchAck(int accepted, int duplicates) {}
