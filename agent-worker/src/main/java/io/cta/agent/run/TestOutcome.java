package io.cta.agent.run;

import io.cta.activities.TestStatus;

/** What a test run reported: its worst status and how many distinct results it sent. */
public record TestOutcome(TestStatus status, int resultCount) {}
