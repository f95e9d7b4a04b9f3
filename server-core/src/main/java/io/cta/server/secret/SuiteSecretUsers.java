package io.cta.server.secret;

import io.cta.server.definition.DefinitionStore;
import io.cta.server.definition.SuiteDocument;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/**
 * Suites whose stage environment references a secret. The references are inside map values under
 * user-chosen keys, which no query can address, so the suites are scanned (a delete is rare).
 */
@Component
class SuiteSecretUsers implements SecretUsers {

  private final DefinitionStore definitions;

  SuiteSecretUsers(DefinitionStore definitions) {
    this.definitions = definitions;
  }

  @Override
  public Flux<String> using(String name) {
    return definitions
        .all(SuiteDocument.class)
        .filter(suite -> suite.tests() != null && SecretReferences.in(suite.tests()).contains(name))
        .map(suite -> "suite '" + suite.name() + "' (" + suite.id() + ")");
  }
}
