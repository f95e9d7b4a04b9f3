package io.cta.ssh;

import java.security.KeyPair;
import java.time.Duration;
import org.apache.sshd.server.SshServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Tests against one MINA SSHD server per class ({@link SshServers}) with an ECDSA host key, an
 * ed25519 client key it accepts, and a connector.
 */
abstract class OnMinaServer {

  static KeyPair hostKey;
  static KeyPair clientKey;
  static SshServer server;
  static SshConnector connector;

  @BeforeAll
  static void startServer() throws Exception {
    hostKey = SshServers.ecdsa();
    clientKey = SshServers.ed25519();
    server = SshServers.start(hostKey, clientKey);
    connector = new SshConnector(Duration.ofSeconds(10));
  }

  @AfterAll
  static void stopServer() throws Exception {
    connector.close();
    server.stop(true);
  }

  /** The server with the pinned host key and the accepted client key. */
  static SshTarget target() {
    try {
      return target(SshServers.openSsh(clientKey), SshServers.fingerprint(hostKey), false);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static SshTarget target(String credential, String pin, boolean trustOnFirstUse) {
    return new SshTarget("127.0.0.1", server.getPort(), "ci", credential, pin, trustOnFirstUse);
  }
}
