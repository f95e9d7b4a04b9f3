package io.cta.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.shell.ProcessShellCommandFactory;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/** Apache MINA SSHD's in-process server running real local processes, and keys for it. */
final class SshServers {

  static final String PASSWORD = "pw-Zq9-canary";

  private SshServers() {}

  /** An ed25519 key of the EdDSA provider MINA SSHD uses. */
  static KeyPair ed25519() throws GeneralSecurityException {
    return KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
  }

  static KeyPair ecdsa() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  /** The key in the OpenSSH private key format an operator stores as the credential. */
  static String openSsh(KeyPair key) throws IOException, GeneralSecurityException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(key, "cta-test", null, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  static String fingerprint(KeyPair key) {
    return KeyUtils.getFingerPrint(BuiltinDigests.sha256, key.getPublic());
  }

  /** A started server on a free loopback port with {@code hostKey}, accepting {@code client}. */
  static SshServer start(KeyPair hostKey, KeyPair client) throws IOException {
    SshServer server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    server.setPublickeyAuthenticator(
        (user, key, session) -> KeyUtils.compareKeys(key, client.getPublic()));
    server.setPasswordAuthenticator((user, password, session) -> PASSWORD.equals(password));
    server.setCommandFactory(ProcessShellCommandFactory.INSTANCE);
    server.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
    server.start();
    return server;
  }
}
