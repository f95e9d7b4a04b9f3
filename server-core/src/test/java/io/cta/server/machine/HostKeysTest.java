package io.cta.server.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cta.server.error.InvalidInputException;
import org.junit.jupiter.api.Test;

class HostKeysTest {

  /** An ed25519 host key and its fingerprint as {@code ssh-keygen -lf} prints it. */
  static final String KEY =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAID5hDT92tWL9BAQE0eaiFXKbf9xQBbkQy0DYKnjzLtEw";

  static final String FINGERPRINT = "SHA256:AlW1Yx2VSjdjgD3qdIiJsHw/BykU9ogefhkLV5a+NkQ";

  @Test
  void givenAKeyAKnownHostsLineOrAFingerprint_whenPinned_thenTheyPinTheSameKey() {
    assertEquals(FINGERPRINT, HostKeys.fingerprint(KEY));
    assertEquals(FINGERPRINT, HostKeys.fingerprint("[lab-01]:2222 " + KEY + " a comment"));
    assertEquals(FINGERPRINT, HostKeys.fingerprint("|1|c2FsdA==|aGFzaA== " + KEY));
    assertEquals(FINGERPRINT, HostKeys.fingerprint(" " + FINGERPRINT + " "));
  }

  @Test
  void givenPinsThatAreNotKeys_whenPinned_thenTheRefusalSaysWhy() {
    assertTrue(message("SHA256:short").contains("43 base64"));
    assertTrue(message("@cert-authority *.lab " + KEY).contains("not supported"));
    assertTrue(message("lab-01 ssh-dss AAAA").contains("known_hosts line"));
    assertTrue(message("lab-01 ssh-ed25519 not*base64").contains("not base64"));
    // An RSA type over an ed25519 key: the blob names its own type.
    assertTrue(message(KEY.replace("ssh-ed25519", "ssh-rsa")).contains("not of type ssh-rsa"));
    assertTrue(message("x".repeat(HostKeys.MAX_LENGTH + 1)).contains("longer"));
  }

  @Test
  void givenAConnection_whenChecked_thenEachRefusalNamesItsField() {
    SshConnection ok = SshConnection.checked("10.0.0.5", null, "ci", "lab-key", KEY, null);
    assertEquals(22, ok.port());
    assertEquals(FINGERPRINT, ok.hostKeyFingerprint());
    SshConnection tofu = SshConnection.checked("lab-01.example", 2222, "ci", "k", null, true);
    assertTrue(tofu.trustOnFirstUse());

    assertEquals(
        "ssh.host",
        field(() -> SshConnection.checked("-oProxyCommand=x", 22, "ci", "k", KEY, null)));
    assertEquals("ssh.host", field(() -> SshConnection.checked("a b", 22, "ci", "k", KEY, null)));
    assertEquals("ssh.port", field(() -> SshConnection.checked("h", 0, "ci", "k", KEY, null)));
    assertEquals("ssh.user", field(() -> SshConnection.checked("h", 22, "-x", "k", KEY, null)));
    assertEquals(
        "ssh.credential", field(() -> SshConnection.checked("h", 22, "ci", "a b", KEY, null)));
    assertEquals("ssh.hostKey", field(() -> SshConnection.checked("h", 22, "ci", "k", null, null)));
    assertEquals("ssh.hostKey", field(() -> SshConnection.checked("h", 22, "ci", "k", "x", null)));
    assertEquals(
        "ssh.trustOnFirstUse", field(() -> SshConnection.checked("h", 22, "ci", "k", KEY, true)));
  }

  private static String message(String pin) {
    return assertThrows(HostKeys.InvalidHostKeyException.class, () -> HostKeys.fingerprint(pin))
        .getMessage();
  }

  private static String field(org.junit.jupiter.api.function.Executable check) {
    String detail = assertThrows(InvalidInputException.class, check).getMessage();
    return detail.substring(0, detail.indexOf(':'));
  }
}
