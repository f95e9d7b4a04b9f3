package io.cta.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cta.activities.agent.StageSpec;
import io.cta.testrunner.mask.Masker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runner's SSH parts against Debian's OpenSSH server, started here on a free loopback port with
 * a generated host key and an authorized key for the current user: what MINA's server cannot show
 * (a login shell that leads its own session, OpenSSH's key exchange and authentication). Skipped,
 * with the reason, only when {@code /usr/sbin/sshd} is absent ({@code .ci/run} installs it).
 */
class OpenSshServerTest {

  private static final Path SSHD = Path.of("/usr/sbin/sshd");

  static Path dir;
  static Process sshd;
  static int port;
  static KeyPair hostKey;
  static KeyPair clientKey;
  static SshConnector connector;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(Files.isExecutable(SSHD), "OpenSSH's server is not installed (/usr/sbin/sshd)");
    dir = Files.createTempDirectory("cta-sshd");
    hostKey = SshServers.ecdsa();
    clientKey = SshServers.ed25519();
    Path hostKeyFile = privateFile(dir.resolve("host_key"), SshServers.openSsh(hostKey));
    privateFile(
        dir.resolve("authorized_keys"), PublicKeyEntry.toString(clientKey.getPublic()) + "\n");
    try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    Files.writeString(
        dir.resolve("sshd_config"),
        String.join(
            "\n",
            "Port " + port,
            "ListenAddress 127.0.0.1",
            "HostKey " + hostKeyFile,
            "PidFile " + dir.resolve("sshd.pid"),
            "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
            "StrictModes no",
            "UsePAM no",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PermitRootLogin prohibit-password",
            "Subsystem sftp internal-sftp",
            ""));
    // OpenSSH needs its privilege separation directory even when it runs unprivileged.
    Path privsep = Path.of("/run/sshd");
    if (!Files.isDirectory(privsep)) {
      try {
        Files.createDirectories(privsep);
      } catch (IOException e) {
        assumeTrue(false, "OpenSSH needs /run/sshd, which cannot be created here: " + e);
      }
    }
    sshd =
        new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", dir.resolve("sshd_config").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("sshd.log").toFile())
            .start();
    awaitListening();
    connector = new SshConnector(Duration.ofSeconds(10));
  }

  @AfterAll
  static void stop() throws Exception {
    if (connector != null) {
      connector.close();
    }
    if (sshd != null) {
      sshd.destroy();
      sshd.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static Path privateFile(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  private static void awaitListening() throws Exception {
    long until = System.currentTimeMillis() + 15_000;
    while (System.currentTimeMillis() < until) {
      assertTrue(sshd.isAlive(), () -> "sshd exited: " + log());
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new AssertionError("sshd did not listen within 15 s: " + log());
  }

  private static String log() {
    try {
      return Files.readString(dir.resolve("sshd.log"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static SshTarget target(KeyPair key, String pin) throws Exception {
    return new SshTarget(
        "127.0.0.1", port, System.getProperty("user.name"), SshServers.openSsh(key), pin, false);
  }

  private static SshTarget target() throws Exception {
    return target(clientKey, SshServers.fingerprint(hostKey));
  }

  @Test
  void givenAStageAndACancel_whenRunOnOpenSsh_thenItRunsAndItsWholeGroupEnds() throws Exception {
    Path work = Files.createTempDirectory(dir, "work");
    StringBuffer logged = new StringBuffer();
    AtomicBoolean cancel = new AtomicBoolean();
    try (ClientSession session = connector.open(target()).session()) {
      RemoteStages stages =
          new RemoteStages(
              session,
              work.toString(),
              Masker.of(List.of("token-Zq9")),
              (stage, stream, text) -> logged.append(text),
              () -> {
                if (cancel.get()) {
                  throw new IllegalStateException("canceled");
                }
              },
              Duration.ofMillis(500));

      assertNull(
          stages.run(
              new StageSpec("s", "echo \"$A\" token-Zq9; pwd", null, "in", Map.of(), true, 30_000),
              "s",
              Map.of("A", "a value")));
      assertTrue(logged.toString().contains("a value ***"), logged.toString());
      assertTrue(logged.toString().contains(work.resolve("in").toString()), logged.toString());

      StageSpec endless =
          new StageSpec(
              "s",
              "sleep 300 & sleep 300 & echo started; wait",
              "touch stopped",
              null,
              Map.of(),
              true,
              600_000);
      CompletableFuture<String> running =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return stages.run(endless, "s", Map.of());
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              });
      long until = System.currentTimeMillis() + 20_000;
      while (!logged.toString().contains("started") && System.currentTimeMillis() < until) {
        Thread.sleep(50);
      }
      long group = stages.lastGroup();
      try (ClientSession second = connector.open(target()).session()) {
        assertTrue(stages.withSession(second).groupAlive(group), "running: " + logged);
        cancel.set(true);
        assertThrows(Exception.class, () -> running.get(30, TimeUnit.SECONDS));
        assertFalse(stages.withSession(second).groupAlive(group), "gone: " + logged);
      }
      assertTrue(Files.exists(work.resolve("stopped")), "the stop command ran first");
    }
  }

  @Test
  void givenAChangedHostKeyOrAWrongClientKey_whenOpened_thenRefusedWithTheReason()
      throws Exception {
    SshFailure changed =
        assertThrows(
            SshFailure.class,
            () -> connector.open(target(clientKey, SshServers.fingerprint(SshServers.ecdsa()))));
    SshFailure wrongKey =
        assertThrows(
            SshFailure.class,
            () -> connector.open(target(SshServers.ed25519(), SshServers.fingerprint(hostKey))));

    assertEquals(SshFailure.Reason.HOST_KEY_CHANGED, changed.reason());
    assertEquals(SshFailure.Reason.AUTHENTICATION_FAILED, wrongKey.reason(), wrongKey.getMessage());
  }
}
