package io.cta.ssh;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Opens authenticated SSH sessions to SSH machines with one shared client (docs/agentless.md): the
 * host must present its pinned key (compared by {@code SHA256:} fingerprint), or, with trust on
 * first use and no pin, its first key is accepted and reported. Failures come back as an {@link
 * SshFailure} whose reason the machine view shows. Nothing of the user's own SSH setup ({@code
 * ~/.ssh/config}, keys, {@code known_hosts}) is read.
 */
public final class SshConnector implements AutoCloseable {

  /** What one connection must see of its host, and what it saw. */
  private static final class HostCheck {
    final String pinned;
    final boolean trustOnFirstUse;
    final AtomicReference<String> presented = new AtomicReference<>();

    HostCheck(String pinned, boolean trustOnFirstUse) {
      this.pinned = pinned;
      this.trustOnFirstUse = trustOnFirstUse;
    }
  }

  private static final AttributeRepository.AttributeKey<HostCheck> HOST_CHECK =
      new AttributeRepository.AttributeKey<>();

  private final SshClient client;
  private final Duration timeout;

  /**
   * @param timeout for each of connecting, the key exchange and authentication
   */
  public SshConnector(Duration timeout) {
    this.timeout = timeout;
    client = SshClient.setUpDefaultClient();
    client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
    client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
    client.setServerKeyVerifier(SshConnector::verify);
    client.start();
  }

  /** An opened session; {@code presentedKey} is the host's key fingerprint, to store after TOFU. */
  public record Opened(ClientSession session, String presentedKey) {}

  /** Connects, checks the host key and authenticates; the caller closes the session. */
  public Opened open(SshTarget target) throws SshFailure {
    HostCheck check = new HostCheck(target.hostKeyFingerprint(), target.trustOnFirstUse());
    ClientSession session = null;
    try {
      session =
          client
              .connect(
                  target.user(),
                  target.host(),
                  target.port(),
                  AttributeRepository.ofKeyValuePair(HOST_CHECK, check),
                  null)
              .verify(timeout)
              .getSession();
      addIdentity(session, target);
      session.auth().verify(timeout);
      return new Opened(session, check.presented.get());
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      closeQuietly(session);
      throw classify(e, check, session);
    }
  }

  /** Whether the key the host presents is the pinned one (or may be trusted on first use). */
  private static boolean verify(ClientSession session, SocketAddress remote, PublicKey key) {
    HostCheck check = session.getConnectionContext().getAttribute(HOST_CHECK);
    String fingerprint = KeyUtils.getFingerPrint(BuiltinDigests.sha256, key);
    check.presented.set(fingerprint);
    if (check.pinned == null) {
      return check.trustOnFirstUse;
    }
    return check.pinned.equals(fingerprint);
  }

  private static void addIdentity(ClientSession session, SshTarget target)
      throws IOException, GeneralSecurityException {
    if (!target.usesKey()) {
      session.addPasswordIdentity(target.credential());
      return;
    }
    Iterable<KeyPair> keys =
        SecurityUtils.loadKeyPairIdentities(
            session,
            NamedResource.ofName("credential"),
            new ByteArrayInputStream(target.credential().getBytes(StandardCharsets.UTF_8)),
            null);
    if (keys == null || !keys.iterator().hasNext()) {
      throw new GeneralSecurityException("the credential holds no private key");
    }
    for (KeyPair key : keys) {
      session.addPublicKeyIdentity(key);
    }
  }

  /** Sorts a failure by what an operator does about it; never quotes the credential. */
  private static SshFailure classify(Exception e, HostCheck check, ClientSession session) {
    String presented = check.presented.get();
    if (presented != null && check.pinned != null && !check.pinned.equals(presented)) {
      return new SshFailure(
          SshFailure.Reason.HOST_KEY_CHANGED,
          "the host presented " + presented + ", pinned is " + check.pinned);
    }
    if (presented != null && check.pinned == null && !check.trustOnFirstUse) {
      return new SshFailure(SshFailure.Reason.HOST_KEY_CHANGED, "no key is pinned");
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return new SshFailure(SshFailure.Reason.REFUSED, null);
      }
      if (t instanceof SocketTimeoutException
          || t instanceof java.util.concurrent.TimeoutException) {
        return new SshFailure(SshFailure.Reason.TIMEOUT, null);
      }
      if (t instanceof UnknownHostException || t instanceof NoRouteToHostException) {
        return new SshFailure(SshFailure.Reason.UNREACHABLE, t.getClass().getSimpleName());
      }
      if (t instanceof GeneralSecurityException) {
        return new SshFailure(SshFailure.Reason.AUTHENTICATION_FAILED, "unreadable credential");
      }
    }
    String message = e.getMessage() == null ? "" : e.getMessage();
    if (message.contains("timeout") || message.contains("Timeout")) {
      return new SshFailure(SshFailure.Reason.TIMEOUT, null);
    }
    if (session != null && session.isAuthenticated() == false && presented != null) {
      return new SshFailure(SshFailure.Reason.AUTHENTICATION_FAILED, null);
    }
    return new SshFailure(SshFailure.Reason.UNREACHABLE, e.getClass().getSimpleName());
  }

  private static void closeQuietly(ClientSession session) {
    if (session != null) {
      try {
        session.close();
      } catch (IOException ignored) {
        // closing a failed session: nothing more to do
      }
    }
  }

  @Override
  public void close() throws IOException {
    client.stop();
  }
}
