package io.cta.workflows.execution;

/** An agent reported that it started running this execution's work (relayed by the consumer). */
public record StartedSignal(String machine) {}
