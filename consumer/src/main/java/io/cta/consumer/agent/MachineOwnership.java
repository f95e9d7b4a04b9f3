package io.cta.consumer.agent;

import io.cta.server.error.ForbiddenException;
import io.cta.server.machine.MachineKind;
import io.cta.server.machine.MachineStore;
import io.cta.server.security.CtaPrincipal;
import io.cta.server.security.Role;
import io.cta.server.security.TokenStore;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Who may speak for a machine name: a token bound to a machine speaks only for that one, and a name
 * that an agent token is bound to is that token's alone, so that an unbound token cannot register
 * (or heartbeat, or upload as) a machine whose owner restricted it. No agent speaks for an SSH
 * machine (docs/agentless.md): an operator declared it and only the SSH runner (a {@code runner}
 * token) speaks for it, and for nothing else.
 */
@Component
class MachineOwnership {

  private final TokenStore tokens;
  private final MachineStore machines;

  MachineOwnership(TokenStore tokens, MachineStore machines) {
    this.tokens = tokens;
    this.machines = machines;
  }

  /** Completes empty when the caller may speak for {@code machine}, else fails with a 403. */
  Mono<Void> check(ServerWebExchange exchange, String machine) {
    AgentController.checkMachine(exchange, machine);
    boolean runner = CtaPrincipal.of(exchange).role() == Role.runner;
    return machines
        .findByName(machine)
        .map(m -> m.kind() == MachineKind.ssh)
        .defaultIfEmpty(false)
        .flatMap(
            ssh -> {
              if (ssh && !runner) {
                return Mono.error(
                    new ForbiddenException(
                        "machine '"
                            + machine
                            + "' is an SSH machine: no agent may speak for it (docs/agentless.md)"));
              }
              if (runner) {
                return ssh
                    ? Mono.<Void>empty()
                    : Mono.error(
                        new ForbiddenException(
                            "the SSH runner speaks only for SSH machines; '"
                                + machine
                                + "' is not one"));
              }
              return tokenMayUse(exchange, machine);
            });
  }

  private Mono<Void> tokenMayUse(ServerWebExchange exchange, String machine) {
    CtaPrincipal principal = CtaPrincipal.of(exchange);
    if (principal.machine() != null) {
      return Mono.empty();
    }
    return tokens
        .boundElsewhere(machine, principal.tokenId())
        .flatMap(
            owned ->
                owned
                    ? Mono.error(
                        new ForbiddenException(
                            "machine '"
                                + machine
                                + "' belongs to the agent token bound to it: only that token"
                                + " may speak for it"))
                    : Mono.<Void>empty());
  }
}
