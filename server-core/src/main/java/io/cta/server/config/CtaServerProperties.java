package io.cta.server.config;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings shared by the api and the consumer ({@code cta.*}); each reads them from the environment
 * (see docs/operations.md).
 *
 * @param temporal how to reach Temporal
 * @param adminToken the bootstrap admin token (env {@code CTA_ADMIN_TOKEN}); never logged
 * @param adminTokenFile where a generated admin token is written when none is given
 * @param machineOfflineAfter a machine without a heartbeat for this long is offline
 * @param heartbeatInterval how often agents heartbeat to the consumer
 */
@ConfigurationProperties("cta")
public record CtaServerProperties(
    Temporal temporal,
    String adminToken,
    Path adminTokenFile,
    Duration machineOfflineAfter,
    Duration heartbeatInterval) {

  public CtaServerProperties {
    temporal =
        temporal == null ? new Temporal(null, null, false, null, null, null, null) : temporal;
    adminTokenFile =
        adminTokenFile == null
            ? Path.of(System.getProperty("user.home"), ".cta", "admin-token")
            : adminTokenFile;
    machineOfflineAfter =
        machineOfflineAfter == null ? Duration.ofSeconds(30) : machineOfflineAfter;
    heartbeatInterval = heartbeatInterval == null ? Duration.ofSeconds(5) : heartbeatInterval;
  }

  /**
   * @param target host:port of the Temporal frontend (default 127.0.0.1:7233)
   * @param namespace Temporal namespace (default "default")
   * @param tls use TLS (implied by any of the files below)
   * @param tlsCertChain client certificate chain (PEM) for mutual TLS
   * @param tlsPrivateKey client private key (PEM, PKCS#8) for mutual TLS
   * @param tlsTrustCerts CA certificates (PEM) that sign the server's certificate
   * @param uiUrl the Temporal Web UI's base URL, for links from executions to their workflows, or
   *     null (the launcher sets it on Temporal's dev server)
   */
  public record Temporal(
      String target,
      String namespace,
      boolean tls,
      Path tlsCertChain,
      Path tlsPrivateKey,
      Path tlsTrustCerts,
      String uiUrl) {}
}
