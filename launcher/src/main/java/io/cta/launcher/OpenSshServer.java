package io.cta.launcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's OpenSSH server on a free loopback port, for SSH machines in the end-to-end tests and the
 * benchmark (docs/agentless.md): a host key and a client key made by {@code ssh-keygen}, the
 * client's public key authorized for the current user. Needs {@code /usr/sbin/sshd} and {@code
 * ssh-keygen} ({@link #missing()}; {@code .ci/run} installs them).
 */
public final class OpenSshServer implements AutoCloseable {

  private static final Path SSHD = Path.of("/usr/sbin/sshd");

  private final Path dir;
  private final int port;
  private final Process process;

  private OpenSshServer(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  /** What is missing to start one, or null when nothing is. */
  public static String missing() {
    if (!Files.isExecutable(SSHD)) {
      return "OpenSSH's server is not installed (/usr/sbin/sshd)";
    }
    return onPath("ssh-keygen") ? null : "ssh-keygen is not installed (openssh-client)";
  }

  /** Starts one; see {@link #missing()} first. */
  public static OpenSshServer start() throws Exception {
    if (missing() != null) {
      throw new IllegalStateException(missing());
    }
    Path dir = Files.createTempDirectory("cta-e2e-sshd");
    keygen(dir.resolve("host_key"));
    keygen(dir.resolve("client_key"));
    keygen(dir.resolve("stranger_key"));
    Files.copy(dir.resolve("client_key.pub"), dir.resolve("authorized_keys"));
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Files.writeString(
        dir.resolve("sshd_config"),
        String.join(
            "\n",
            "Port " + port,
            "ListenAddress 127.0.0.1",
            "HostKey " + dir.resolve("host_key"),
            "PidFile " + dir.resolve("sshd.pid"),
            "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
            "StrictModes no",
            "UsePAM no",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PermitRootLogin prohibit-password",
            "Subsystem sftp internal-sftp",
            ""));
    Files.createDirectories(Path.of("/run/sshd")); // OpenSSH's privilege separation directory
    Process process =
        new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", dir.resolve("sshd_config").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("sshd.log").toFile())
            .start();
    OpenSshServer server = new OpenSshServer(dir, port, process);
    server.awaitListening();
    return server;
  }

  public int port() {
    return port;
  }

  /** The user the client key logs in as: the one running this. */
  public static String user() {
    return System.getProperty("user.name");
  }

  /** The host's public key as a known_hosts line would give it. */
  public String hostKey() throws IOException {
    return Files.readString(dir.resolve("host_key.pub")).strip();
  }

  /** The private key the server accepts, as an operator stores it in the secret store. */
  public String clientKey() throws IOException {
    return Files.readString(dir.resolve("client_key"));
  }

  /** A private key the server does not accept. */
  public String strangerKey() throws IOException {
    return Files.readString(dir.resolve("stranger_key"));
  }

  /** Another host's public key, for a pin that does not match. */
  public String otherHostKey() throws IOException {
    return Files.readString(dir.resolve("stranger_key.pub")).strip();
  }

  private void awaitListening() throws Exception {
    long until = System.currentTimeMillis() + 15_000;
    while (System.currentTimeMillis() < until) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "sshd exited: " + Files.readString(dir.resolve("sshd.log")));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("sshd did not listen within 15 s");
  }

  private static void keygen(Path file) throws Exception {
    Process keygen =
        new ProcessBuilder(
                List.of(
                    "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", file.toString()))
            .redirectErrorStream(true)
            .start();
    if (!keygen.waitFor(30, TimeUnit.SECONDS) || keygen.exitValue() != 0) {
      throw new IllegalStateException(
          "ssh-keygen failed: " + new String(keygen.getInputStream().readAllBytes()));
    }
  }

  private static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
