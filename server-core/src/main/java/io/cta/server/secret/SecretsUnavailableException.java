package io.cta.server.secret;

/** No secret key is configured: secrets can be neither stored nor read (the rest of CTA works). */
public class SecretsUnavailableException extends RuntimeException {

  public SecretsUnavailableException() {
    super(
        "no secret key configured (set CTA_SECRET_KEY or cta.secrets.key-file; see"
            + " docs/security.md)",
        null,
        false,
        false);
  }
}
