package io.cta.server.secret;

import io.cta.server.machine.MachineStore;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/** SSH machines whose credential is the secret: deleting it would lock the runner out. */
@Component
class MachineSecretUsers implements SecretUsers {

  private final MachineStore machines;

  MachineSecretUsers(MachineStore machines) {
    this.machines = machines;
  }

  @Override
  public Flux<String> using(String name) {
    return machines.usingCredential(name).map(m -> "SSH machine '" + m.name() + "'");
  }
}
