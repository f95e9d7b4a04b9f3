package io.cta.workflows.execution;

/**
 * Starts the workflow of one stored execution.
 *
 * @param requestedAt when the run was requested (epoch ms); the pending timeout counts from here,
 *     so an execution whose workflow is started late by the reconciler keeps its deadline
 */
public record ExecutionInput(String executionId, long requestedAt) {}
