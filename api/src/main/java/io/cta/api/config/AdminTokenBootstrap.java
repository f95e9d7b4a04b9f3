package io.cta.api.config;

import io.cta.server.config.CtaServerProperties;
import io.cta.server.security.TokenStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Installs the first admin token: {@code CTA_ADMIN_TOKEN} if set, else the one in the admin token
 * file, else a new one written to that file (readable by its owner only). The token itself is never
 * logged; only the file's path is. A token shorter than {@link TokenStore#MIN_ADMIN_TOKEN_LENGTH}
 * stops the start.
 */
@Component
class AdminTokenBootstrap implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(AdminTokenBootstrap.class);

  private final TokenStore tokens;
  private final CtaServerProperties properties;

  AdminTokenBootstrap(TokenStore tokens, CtaServerProperties properties) {
    this.tokens = tokens;
    this.properties = properties;
    // Checked here, while the context is built: the api refuses to start before it listens.
    if (properties.adminToken() != null && !properties.adminToken().isBlank()) {
      TokenStore.requireAdminTokenLength(
          properties.adminToken(), "CTA_ADMIN_TOKEN (cta.admin-token)");
    }
  }

  @Override
  public void run(ApplicationArguments args) throws IOException {
    String secret = properties.adminToken();
    if (secret == null || secret.isBlank()) {
      secret =
          TokenStore.requireAdminTokenLength(
              readOrCreate(properties.adminTokenFile()),
              "the admin token in " + properties.adminTokenFile());
    } else {
      log.info("admin token taken from CTA_ADMIN_TOKEN");
    }
    tokens.installBootstrapAdmin(secret.trim()).block();
  }

  private static String readOrCreate(Path file) throws IOException {
    if (Files.exists(file)) {
      log.info("admin token read from {}", file);
      return Files.readString(file, StandardCharsets.UTF_8);
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    String secret = TokenStore.newSecret();
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(file);
    } catch (FileAlreadyExistsException raced) {
      return Files.readString(file, StandardCharsets.UTF_8);
    }
    Files.writeString(file, secret, StandardCharsets.UTF_8);
    log.info("generated an admin token into {} (readable by its owner only)", file);
    return secret;
  }
}
