package io.cta.activities.events;

/**
 * One SSH machine as the consumer tells the SSH runner ({@code GET /agent/v1/ssh/machines},
 * docs/agentless.md): where and how to connect, with the credential's value.
 *
 * @param credential the private key or password; null when its secret is gone. Never shown by
 *     {@link #toString()}
 * @param hostKeyFingerprint the pinned key's {@code SHA256:} fingerprint; null while trust on first
 *     use waits for the first key
 * @param draining an operator drained it: the runner takes no new work for it
 */
public record SshMachineConfig(
    String name,
    String host,
    int port,
    String user,
    String credential,
    String hostKeyFingerprint,
    boolean trustOnFirstUse,
    int slots,
    boolean draining) {

  @Override
  public String toString() {
    return name + " (" + user + "@" + host + ":" + port + ")";
  }
}
