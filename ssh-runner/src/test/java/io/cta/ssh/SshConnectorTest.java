package io.cta.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Host keys, credentials and the reasons an SSH machine goes offline, on MINA's server. */
class SshConnectorTest extends OnMinaServer {

  @Test
  void givenThePinnedKeyAndAnEd25519Key_whenOpened_thenTheSessionIsAuthenticated()
      throws Exception {
    SshConnector.Opened opened =
        connector.open(
            target(SshServers.openSsh(clientKey), SshServers.fingerprint(hostKey), false));

    try (var session = opened.session()) {
      assertTrue(session.isAuthenticated());
      assertEquals(SshServers.fingerprint(hostKey), opened.presentedKey());
    }
    try (var session =
        connector
            .open(target(SshServers.PASSWORD, SshServers.fingerprint(hostKey), false))
            .session()) {
      assertTrue(session.isAuthenticated(), "a password works too");
    }
  }

  @Test
  void givenAnotherPinnedKey_whenOpened_thenRefusedAsHostKeyChanged() throws Exception {
    String other = SshServers.fingerprint(SshServers.ecdsa());

    SshFailure failure =
        assertThrows(
            SshFailure.class,
            () -> connector.open(target(SshServers.openSsh(clientKey), other, false)));

    assertEquals(SshFailure.Reason.HOST_KEY_CHANGED, failure.reason());
    assertTrue(failure.getMessage().startsWith("host key changed"), failure.getMessage());
  }

  @Test
  void givenNoPin_whenOpened_thenOnlyTrustOnFirstUseAcceptsAndReportsTheKey() throws Exception {
    String key = SshServers.openSsh(clientKey);

    SshFailure refused =
        assertThrows(SshFailure.class, () -> connector.open(target(key, null, false)));
    SshConnector.Opened trusted = connector.open(target(key, null, true));

    assertEquals(SshFailure.Reason.HOST_KEY_CHANGED, refused.reason());
    trusted.session().close();
    assertEquals(SshServers.fingerprint(hostKey), trusted.presentedKey());
  }

  @Test
  void givenAWrongKeyOrPassword_whenOpened_thenAuthenticationFailedWithoutTheCredential()
      throws Exception {
    String pin = SshServers.fingerprint(hostKey);

    SshFailure wrongKey =
        assertThrows(
            SshFailure.class,
            () -> connector.open(target(SshServers.openSsh(SshServers.ed25519()), pin, false)));
    SshFailure wrongPassword =
        assertThrows(SshFailure.class, () -> connector.open(target("not-it-Zq9", pin, false)));

    assertEquals(SshFailure.Reason.AUTHENTICATION_FAILED, wrongKey.reason(), wrongKey.getMessage());
    assertEquals(SshFailure.Reason.AUTHENTICATION_FAILED, wrongPassword.reason());
    assertFalse(wrongPassword.getMessage().contains("not-it-Zq9"));
    assertFalse(target("not-it-Zq9", pin, false).toString().contains("not-it-Zq9"));
  }

  @Test
  void givenNothingListens_whenOpened_thenConnectionRefused() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    SshTarget nobody =
        new SshTarget(
            "127.0.0.1", port, "ci", SshServers.PASSWORD, SshServers.fingerprint(hostKey), false);

    SshFailure failure = assertThrows(SshFailure.class, () -> connector.open(nobody));

    assertEquals(SshFailure.Reason.REFUSED, failure.reason(), failure.getMessage());
  }
}
