package io.cta.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Liveness of SSH machines: online, or offline with the reason the machine view shows. */
class SshProbeTest extends OnMinaServer {

  @Test
  void givenReachableAndUnreachableMachines_whenProbed_thenOnlineOrOfflineWithTheReason()
      throws Exception {
    try (SshSessions sessions = new SshSessions(connector)) {
      SshProbe probe = new SshProbe(sessions, Duration.ofSeconds(10));

      SshProbe.Result online = probe.probe("ok-1", target());
      SshProbe.Result changed =
          probe.probe(
              "changed-1",
              target(
                  SshServers.openSsh(clientKey),
                  SshServers.fingerprint(SshServers.ecdsa()),
                  false));
      SshProbe.Result wrongKey =
          probe.probe(
              "wrong-1",
              target(
                  SshServers.openSsh(SshServers.ed25519()),
                  SshServers.fingerprint(hostKey),
                  false));
      SshProbe.Result firstUse =
          probe.probe("tofu-1", target(SshServers.openSsh(clientKey), null, true));

      assertTrue(online.online(), online.reason());
      assertNull(online.reason());
      assertFalse(changed.online());
      assertTrue(changed.reason().startsWith("host key changed"), changed.reason());
      assertTrue(wrongKey.reason().startsWith("authentication failed"), wrongKey.reason());
      assertTrue(firstUse.online());
      assertEquals(SshServers.fingerprint(hostKey), firstUse.presentedKey(), "to pin now");
    }
  }
}
