package io.cta.server.secret;

import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the keys of the secret store come from ({@code cta.secrets.*}; docs/security.md). Keys are
 * base64 of 32 random bytes ({@code openssl rand -base64 32}); they never go to MongoDB.
 *
 * @param key the current key (env {@code CTA_SECRET_KEY}); wins over {@code keyFile}
 * @param keyFile a file holding the current key, when {@code key} is not set
 * @param previousKeys keys that sealed values before the last rotation (env {@code
 *     CTA_SECRET_PREVIOUS_KEYS}, comma-separated): values they sealed are read and re-encrypted
 *     with the current key at start
 * @param previousKeyFiles files holding previous keys, like {@code previousKeys}
 */
@ConfigurationProperties("cta.secrets")
public record SecretProperties(
    String key, Path keyFile, List<String> previousKeys, List<Path> previousKeyFiles) {

  public SecretProperties {
    key = key == null || key.isBlank() ? null : key.strip();
    // An unset environment variable arrives as an empty value.
    keyFile = keyFile == null || keyFile.toString().isBlank() ? null : keyFile;
    previousKeys =
        previousKeys == null
            ? List.of()
            : previousKeys.stream().filter(k -> k != null && !k.isBlank()).toList();
    previousKeyFiles =
        previousKeyFiles == null
            ? List.of()
            : previousKeyFiles.stream().filter(f -> f != null && !f.toString().isBlank()).toList();
  }
}
