package io.cta.workflows.execution;

/** A user asked to cancel the execution. */
public record CancelSignal(String by, String reason) {}
