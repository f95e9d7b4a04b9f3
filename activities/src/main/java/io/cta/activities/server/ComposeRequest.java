package io.cta.activities.server;

public record ComposeRequest(String executionId) {}
