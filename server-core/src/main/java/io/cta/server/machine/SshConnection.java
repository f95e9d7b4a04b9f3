package io.cta.server.machine;

import io.cta.server.error.InvalidInputException;
import io.cta.temporal.TaskQueues;
import java.util.regex.Pattern;

/**
 * How the SSH runner reaches an SSH machine (docs/agentless.md). The credential is the name of a
 * secret in the secret store, never its value.
 *
 * @param host a DNS name or an IP address
 * @param port 1-65535 (22 by default)
 * @param user the account the tests run as
 * @param credential the secret holding an OpenSSH private key (ed25519, ECDSA or RSA) or a password
 * @param hostKey the pinned host key, a {@code known_hosts} line or a {@code SHA256:} fingerprint;
 *     null only while {@code trustOnFirstUse} waits for the first key seen
 * @param trustOnFirstUse pin the first key the host presents (only when asked for explicitly)
 */
public record SshConnection(
    String host,
    int port,
    String user,
    String credential,
    String hostKey,
    boolean trustOnFirstUse) {

  /** The default SSH port. */
  public static final int DEFAULT_PORT = 22;

  private static final int MAX_HOST = 253;

  /**
   * A DNS name, an IPv4 address or an IPv6 address in brackets or bare: no spaces, no leading dash
   * (never read as an option), no shell or URL metacharacters.
   */
  private static final Pattern HOST =
      Pattern.compile("[A-Za-z0-9_.:\\[\\]%][A-Za-z0-9_.:\\-\\[\\]%]*");

  /** POSIX portable user names (and the '$' of machine accounts); no leading dash. */
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,31}\\$?");

  /**
   * The connection as requested, checked; each refusal names the field under {@code ssh.}.
   *
   * @param port null for {@link #DEFAULT_PORT}
   * @param trustOnFirstUse null for false
   */
  public static SshConnection checked(
      String host,
      Integer port,
      String user,
      String credential,
      String hostKey,
      Boolean trustOnFirstUse) {
    if (host == null || host.isBlank()) {
      throw new InvalidInputException("ssh.host: required, a DNS name or an IP address");
    }
    if (host.length() > MAX_HOST || !HOST.matcher(host).matches()) {
      throw new InvalidInputException(
          "ssh.host: a DNS name or an IP address of at most "
              + MAX_HOST
              + " characters (letters, digits, '.', '-', ':', brackets)");
    }
    int p = port == null ? DEFAULT_PORT : port;
    if (p < 1 || p > 65535) {
      throw new InvalidInputException("ssh.port: must be between 1 and 65535");
    }
    if (user == null || !USER.matcher(user).matches()) {
      throw new InvalidInputException(
          "ssh.user: required, 1-32 letters, digits, '.', '_' or '-', not starting with '-' or '.'");
    }
    if (credential == null || !TaskQueues.isValidName(credential)) {
      throw new InvalidInputException(
          "ssh.credential: required, the name of a secret (docs/security.md) holding an OpenSSH"
              + " private key or a password");
    }
    boolean tofu = Boolean.TRUE.equals(trustOnFirstUse);
    if (hostKey == null) {
      if (!tofu) {
        throw new InvalidInputException(
            "ssh.hostKey: required, a known_hosts line or a 'SHA256:' fingerprint; to pin the"
                + " first key the host presents instead, send \"hostKey\": null with"
                + " \"trustOnFirstUse\": true");
      }
    } else {
      try {
        HostKeys.fingerprint(hostKey);
      } catch (HostKeys.InvalidHostKeyException e) {
        throw new InvalidInputException("ssh.hostKey: " + e.getMessage());
      }
      if (tofu) {
        throw new InvalidInputException(
            "ssh.trustOnFirstUse: only without a hostKey (a pinned key is never replaced silently)");
      }
    }
    return new SshConnection(
        host, p, user, credential, hostKey == null ? null : hostKey.strip(), tofu);
  }

  /** The pinned key's {@code SHA256:} fingerprint; null while trust-on-first-use waits. */
  public String hostKeyFingerprint() {
    return hostKey == null ? null : HostKeys.fingerprint(hostKey);
  }
}
