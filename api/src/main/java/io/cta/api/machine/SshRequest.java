package io.cta.api.machine;

/**
 * How the SSH runner reaches an SSH machine, as sent (checked by {@link
 * io.cta.server.machine.SshConnection#checked}).
 *
 * @param credential the name of a secret holding an OpenSSH private key or a password
 * @param hostKey a {@code known_hosts} line or a {@code SHA256:} fingerprint; null only with {@code
 *     trustOnFirstUse}
 * @param trustOnFirstUse pin the first key the host presents
 */
public record SshRequest(
    String host,
    Integer port,
    String user,
    String credential,
    String hostKey,
    Boolean trustOnFirstUse) {}
