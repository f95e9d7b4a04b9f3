package io.cta.server.secret;

import reactor.core.publisher.Flux;

/**
 * Something that can use secrets by name and must keep them from being deleted while it does: one
 * bean per kind (suites today; machines with SSH or VM credentials add theirs the same way).
 */
public interface SecretUsers {

  /** What uses the secret {@code name}, each as a short description for a 409 problem. */
  Flux<String> using(String name);
}
