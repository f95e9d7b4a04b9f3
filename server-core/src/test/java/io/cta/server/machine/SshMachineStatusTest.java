package io.cta.server.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An SSH machine's status and why it is offline, as the machine view and "waiting" show them. */
class SshMachineStatusTest {

  private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
  private static final Duration OFFLINE_AFTER = Duration.ofSeconds(30);

  private static MachineDocument declared() {
    SshConnection ssh =
        SshConnection.checked("10.0.0.5", 22, "ci", "lab-key", HostKeysTest.FINGERPRINT, null);
    return MachineDocument.ssh("id", "appliance-1", "linux", ssh, Labels.EMPTY, 1, NOW);
  }

  private static MachineDocument probed(MachineDocument m, Instant at, String unreachable) {
    return new MachineDocument(
        m.id(),
        m.name(),
        m.hostname(),
        m.ip(),
        m.os(),
        m.arch(),
        m.cpus(),
        m.memoryBytes(),
        m.declared(),
        m.assigned(),
        m.slots(),
        m.agentVersion(),
        m.registeredAt(),
        at,
        List.of(),
        false,
        false,
        null,
        null,
        false,
        null,
        m.kind(),
        m.ssh(),
        unreachable);
  }

  @Test
  void givenAnSshMachine_whenNeverProbedProbedOrFailing_thenItsStatusAndReasonSayWhy() {
    MachineDocument fresh = declared();
    MachineDocument online = probed(fresh, NOW.minusSeconds(5), null);
    MachineDocument changed = probed(fresh, NOW.minusSeconds(5), "host key changed");
    MachineDocument stale = probed(fresh, NOW.minusSeconds(60), null);

    assertEquals(MachineKind.ssh, fresh.kind());
    assertEquals("offline", fresh.status(NOW, OFFLINE_AFTER));
    assertEquals("no SSH runner has reached it yet", fresh.offlineReason(NOW, OFFLINE_AFTER));
    assertEquals("online", online.status(NOW, OFFLINE_AFTER));
    assertNull(online.offlineReason(NOW, OFFLINE_AFTER));
    assertEquals("offline", changed.status(NOW, OFFLINE_AFTER));
    assertEquals("SSH: host key changed", changed.offlineReason(NOW, OFFLINE_AFTER));
    assertEquals(
        "no SSH probe succeeded since " + NOW.minusSeconds(60),
        stale.offlineReason(NOW, OFFLINE_AFTER));
  }
}
