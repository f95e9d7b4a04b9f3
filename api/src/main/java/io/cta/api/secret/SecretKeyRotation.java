package io.cta.api.secret;

import io.cta.server.secret.SecretStore;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Finishes a key rotation (docs/security.md): once the api is up, every value sealed by a previous
 * key is sealed again with the current one, and the log says how many. Several api processes may do
 * it at once; each value is resealed once.
 */
@Component
class SecretKeyRotation {

  private static final Logger log = LoggerFactory.getLogger(SecretKeyRotation.class);

  private final SecretStore secrets;

  SecretKeyRotation(SecretStore secrets) {
    this.secrets = secrets;
  }

  @EventListener(ApplicationReadyEvent.class)
  void reencrypt() {
    if (!secrets.configured()) {
      log.warn("no secret key configured: the secret store is off (see docs/security.md)");
      return;
    }
    secrets
        .reencrypt(Instant.now())
        .subscribe(
            outcome -> {
              log.info("re-encrypted {} secrets with the current key", outcome.reencrypted());
              if (outcome.unreadable() > 0) {
                log.error(
                    "{} secrets were sealed by a key that is not configured: they cannot be read"
                        + " until it is given as a previous key",
                    outcome.unreadable());
              }
            },
            e -> log.error("could not re-encrypt the secrets: {}", e.toString()));
  }
}
