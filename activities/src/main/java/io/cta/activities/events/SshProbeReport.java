package io.cta.activities.events;

/**
 * What the SSH runner's probe of one SSH machine found ({@code POST /agent/v1/ssh/probe},
 * docs/agentless.md).
 *
 * @param reason why the machine cannot take work (e.g. {@code host key changed}); null: it can
 * @param presentedKey the {@code SHA256:} fingerprint of the host key seen, which the consumer pins
 *     when the machine trusts on first use and has none yet
 */
public record SshProbeReport(String name, String reason, String presentedKey) {}
