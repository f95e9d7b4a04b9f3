package io.cta.ssh;

/**
 * One SSH machine as the runner connects to it: where, as whom, with what, and the host key it must
 * present (docs/agentless.md).
 *
 * @param credential an OpenSSH private key ({@code -----BEGIN OPENSSH PRIVATE KEY-----}, or PEM) or
 *     a password; never shown by {@link #toString()}
 * @param hostKeyFingerprint the pinned key's {@code SHA256:} fingerprint; null only with {@code
 *     trustOnFirstUse}
 * @param trustOnFirstUse accept the first key presented when none is pinned
 */
public record SshTarget(
    String host,
    int port,
    String user,
    String credential,
    String hostKeyFingerprint,
    boolean trustOnFirstUse) {

  /** Whether the credential is a private key rather than a password. */
  public boolean usesKey() {
    return credential.strip().startsWith("-----BEGIN ");
  }

  /** Where and as whom, without the credential: safe for logs and messages. */
  @Override
  public String toString() {
    return user + "@" + host + ":" + port;
  }
}
