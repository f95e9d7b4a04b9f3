package io.cta.api.machine;

import io.cta.server.machine.SshConnection;

/**
 * An SSH machine's connection as the API shows it: the credential's name, never a value.
 *
 * @param hostKeyFingerprint the pinned key's {@code SHA256:} fingerprint; null while
 *     trust-on-first-use waits for the first key
 */
public record SshView(
    String host,
    int port,
    String user,
    String credential,
    String hostKey,
    String hostKeyFingerprint,
    boolean trustOnFirstUse) {

  static SshView of(SshConnection ssh) {
    return ssh == null
        ? null
        : new SshView(
            ssh.host(),
            ssh.port(),
            ssh.user(),
            ssh.credential(),
            ssh.hostKey(),
            ssh.hostKeyFingerprint(),
            ssh.trustOnFirstUse());
  }
}
