package io.cta.workflows.execution;

/** Answer of the getState query. */
public record ExecutionProgress(String phase, boolean started, String machine, int testsDone) {}
