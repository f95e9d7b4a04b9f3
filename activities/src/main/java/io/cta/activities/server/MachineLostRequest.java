package io.cta.activities.server;

/**
 * A stress machine lost before it started its part (its heartbeats stopped): the consumer records
 * it, so that the execution stored in MongoDB starts by the same rule as the workflow ({@link
 * io.cta.activities.StartRule}).
 *
 * @param at workflow time of the loss, epoch ms
 */
public record MachineLostRequest(String executionId, String machine, long at) {}
