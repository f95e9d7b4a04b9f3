package io.cta.consumer.agent;

import io.cta.activities.events.SshMachineConfig;
import io.cta.activities.events.SshProbeReport;
import io.cta.server.audit.AuditStore;
import io.cta.server.audit.AuditStore.AuditEntry;
import io.cta.server.error.InvalidInputException;
import io.cta.server.error.NotFoundException;
import io.cta.server.machine.MachineDocument;
import io.cta.server.machine.MachineStore;
import io.cta.server.secret.SecretStore;
import io.cta.server.security.CtaPrincipal;
import io.cta.server.security.Role;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.bson.types.ObjectId;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * What only the SSH runner asks (docs/agentless.md): the SSH machines with their credentials, and
 * what its probes found. Every credential served is recorded in the audit log by the secret's name,
 * before it leaves, as a secret served to an agent is.
 */
@RestController
@RequestMapping("/agent/v1/ssh")
class SshRunnerController {

  private static final int MAX_REASON = 300;

  private final MachineStore machines;
  private final SecretStore secrets;
  private final AuditStore audit;
  private final MachineOwnership ownership;

  SshRunnerController(
      MachineStore machines, SecretStore secrets, AuditStore audit, MachineOwnership ownership) {
    this.machines = machines;
    this.secrets = secrets;
    this.audit = audit;
    this.ownership = ownership;
  }

  @GetMapping("/machines")
  Mono<List<SshMachineConfig>> machines(ServerWebExchange exchange) {
    CtaPrincipal principal = CtaPrincipal.requireRole(exchange, Role.runner);
    return machines
        .sshMachines()
        .collectList()
        .flatMap(
            all -> {
              List<String> names = all.stream().map(m -> m.ssh().credential()).distinct().toList();
              Mono<Map<String, String>> values =
                  names.isEmpty() ? Mono.just(Map.of()) : secrets.resolve(names);
              return values.flatMap(
                  found -> {
                    Instant now = Instant.now();
                    List<AuditEntry> uses =
                        all.stream()
                            .filter(m -> found.containsKey(m.ssh().credential()))
                            .map(m -> use(principal, m, now))
                            .toList();
                    List<SshMachineConfig> configs =
                        all.stream().map(m -> config(m, found.get(m.ssh().credential()))).toList();
                    return audit.append(uses).thenReturn(configs);
                  });
            });
  }

  @PostMapping("/probe")
  Mono<Void> probe(@RequestBody SshProbeReport report, ServerWebExchange exchange) {
    CtaPrincipal.requireRole(exchange, Role.runner);
    if (report.reason() != null
        && (report.reason().isBlank() || report.reason().length() > MAX_REASON)) {
      throw new InvalidInputException(
          "reason: null when online, else 1-" + MAX_REASON + " characters");
    }
    if (report.presentedKey() != null
        && !report.presentedKey().matches("SHA256:[A-Za-z0-9+/]{43}")) {
      throw new InvalidInputException("presentedKey: a SHA256 fingerprint, as OpenSSH prints it");
    }
    return ownership
        .check(exchange, report.name())
        .then(
            Mono.defer(
                () ->
                    machines.probed(
                        report.name(), report.reason(), report.presentedKey(), Instant.now())))
        .switchIfEmpty(Mono.error(() -> new NotFoundException("machine", report.name())))
        .then();
  }

  private static SshMachineConfig config(MachineDocument m, String credential) {
    return new SshMachineConfig(
        m.name(),
        m.ssh().host(),
        m.ssh().port(),
        m.ssh().user(),
        credential,
        m.ssh().hostKeyFingerprint(),
        m.ssh().trustOnFirstUse(),
        m.slots(),
        m.draining());
  }

  private static AuditEntry use(CtaPrincipal principal, MachineDocument m, Instant now) {
    return new AuditEntry(
        new ObjectId().toHexString(),
        now,
        principal.tokenId(),
        m.name(),
        principal.role().name(),
        "USE",
        "/agent/v1/ssh/machines",
        "secrets",
        m.ssh().credential(),
        HttpStatus.OK.value(),
        null,
        null,
        null);
  }
}
