package io.cta.temporal;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where and how to reach Temporal. The embedded default is a plain-text local test server; a real
 * cluster usually needs TLS, often mutual TLS.
 *
 * @param target host:port of the Temporal frontend
 * @param namespace the namespace CTA's workflows and task queues live in
 * @param tlsCertChain client certificate chain (PEM) for mutual TLS, or null
 * @param tlsPrivateKey client private key (PEM, PKCS#8) for mutual TLS, or null
 * @param tlsTrustCerts CA certificates (PEM) to trust instead of the JVM's, or null
 * @param tls whether to use TLS at all (implied by any TLS file)
 * @param longPollTimeout how long a poll for work waits on an empty queue; short values let one
 *     process poll several queues without a poller sitting on a shared slot
 *     (docs/design.md#shared-slots-and-the-poller-trap)
 */
public record TemporalSettings(
    String target,
    String namespace,
    Path tlsCertChain,
    Path tlsPrivateKey,
    Path tlsTrustCerts,
    boolean tls,
    Duration longPollTimeout) {

  public static final String DEFAULT_TARGET = "127.0.0.1:7233";
  public static final String DEFAULT_NAMESPACE = "default";

  public TemporalSettings {
    target = target == null || target.isBlank() ? DEFAULT_TARGET : target;
    namespace = namespace == null || namespace.isBlank() ? DEFAULT_NAMESPACE : namespace;
    if ((tlsCertChain == null) != (tlsPrivateKey == null)) {
      throw new IllegalArgumentException(
          "Temporal mutual TLS needs both a certificate chain and a private key");
    }
    tls = tls || tlsCertChain != null || tlsTrustCerts != null;
    longPollTimeout = longPollTimeout == null ? Duration.ofSeconds(70) : longPollTimeout;
  }

  /** Plain-text settings for a local server. */
  public static TemporalSettings plain(String target) {
    return new TemporalSettings(target, DEFAULT_NAMESPACE, null, null, null, false, null);
  }
}
