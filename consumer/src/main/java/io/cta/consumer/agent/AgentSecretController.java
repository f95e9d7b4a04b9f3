package io.cta.consumer.agent;

import io.cta.server.audit.AuditStore;
import io.cta.server.audit.AuditStore.AuditEntry;
import io.cta.server.definition.TestDefinition;
import io.cta.server.error.ForbiddenException;
import io.cta.server.error.InvalidInputException;
import io.cta.server.error.NotFoundException;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.SuiteSnapshot;
import io.cta.server.machine.MachineDocument;
import io.cta.server.machine.MachineStore;
import io.cta.server.secret.SecretReferences;
import io.cta.server.secret.SecretStore;
import io.cta.server.security.CtaPrincipal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.types.ObjectId;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code POST /agent/v1/secrets}: the values of the secrets one test's stages reference, for the
 * agent about to run that test (docs/agent.md, "Secrets"). A fetch is bound to the caller's
 * machine, an execution that machine takes part in and that has not ended, and the names that test
 * references in the execution's suite snapshot; anything else is refused. Each value served is
 * recorded in the audit log (by name, never the value).
 */
@RestController
@RequestMapping("/agent/v1")
class AgentSecretController {

  static final int MAX_NAMES = 200;

  private final MachineStore machines;
  private final ExecutionStore executions;
  private final SecretStore secrets;
  private final AuditStore audit;

  private final MachineOwnership ownership;

  AgentSecretController(
      MachineStore machines,
      ExecutionStore executions,
      SecretStore secrets,
      AuditStore audit,
      MachineOwnership ownership) {
    this.ownership = ownership;
    this.machines = machines;
    this.executions = executions;
    this.secrets = secrets;
    this.audit = audit;
  }

  /**
   * What a test needs.
   *
   * @param attempt the attempt of the test being run (recorded with each use)
   * @param names the secrets to resolve: each must be referenced by the test's stages
   * @param machine the calling machine; needed only with a token not bound to a machine
   */
  record SecretsRequest(
      String executionId, String testId, Integer attempt, List<String> names, String machine) {}

  /**
   * @param values each stored secret asked for, by name
   * @param missing the names asked for that are referenced by the test but no longer stored
   */
  record SecretsAnswer(Map<String, String> values, List<String> missing) {}

  @PostMapping("/secrets")
  Mono<SecretsAnswer> resolve(@RequestBody SecretsRequest request, ServerWebExchange exchange) {
    check(request);
    CtaPrincipal principal = CtaPrincipal.of(exchange);
    String machineName = principal.machine() != null ? principal.machine() : request.machine();
    if (machineName == null) {
      throw new InvalidInputException("machine: required with a token not bound to a machine");
    }
    Set<String> names = new LinkedHashSet<>(request.names());
    // Who asks is settled before anything about the execution is said (a 404 tells it exists).
    return ownership
        .check(exchange, machineName)
        .then(Mono.defer(() -> machines.findByName(machineName)))
        .switchIfEmpty(Mono.error(forbidden("machine '" + machineName + "' is not registered")))
        .zipWhen(
            machine ->
                executions
                    .findById(request.executionId())
                    .switchIfEmpty(
                        Mono.error(new NotFoundException("execution", request.executionId()))))
        .flatMap(
            found -> {
              MachineDocument machine = found.getT1();
              ExecutionDocument execution = found.getT2();
              authorize(machine, execution);
              return executions
                  .snapshot(execution.id())
                  .map(snapshot -> test(snapshot, request.testId()))
                  .switchIfEmpty(Mono.error(new NotFoundException("test", request.testId())))
                  .flatMap(test -> serve(principal, machine, request, test, names));
            });
  }

  private Mono<SecretsAnswer> serve(
      CtaPrincipal principal,
      MachineDocument machine,
      SecretsRequest request,
      TestDefinition test,
      Set<String> names) {
    Set<String> referenced = SecretReferences.in(test);
    for (String name : names) {
      if (!referenced.contains(name)) {
        throw forbidden("test '" + test.id() + "' does not reference the secret '" + name + "'");
      }
    }
    return secrets
        .resolve(names)
        .flatMap(
            values -> {
              List<String> missing = new ArrayList<>();
              names.stream().filter(n -> !values.containsKey(n)).forEach(missing::add);
              Instant now = Instant.now();
              List<AuditEntry> uses =
                  values.keySet().stream()
                      .map(
                          name ->
                              new AuditEntry(
                                  new ObjectId().toHexString(),
                                  now,
                                  principal.tokenId(),
                                  machine.name(),
                                  principal.role().name(),
                                  "USE",
                                  "/agent/v1/secrets",
                                  "secrets",
                                  name,
                                  HttpStatus.OK.value(),
                                  request.executionId(),
                                  request.testId(),
                                  request.attempt()))
                      .toList();
              // The uses are recorded before any value leaves: no value without its entry.
              return audit.append(uses).thenReturn(new SecretsAnswer(values, missing));
            });
  }

  private static void check(SecretsRequest request) {
    if (request.executionId() == null || request.executionId().isBlank()) {
      throw new InvalidInputException("executionId: required");
    }
    if (request.testId() == null || request.testId().isBlank()) {
      throw new InvalidInputException("testId: required");
    }
    if (request.attempt() == null || request.attempt() < 1) {
      throw new InvalidInputException("attempt: must be 1 or more");
    }
    if (request.names() == null || request.names().size() > MAX_NAMES) {
      throw new InvalidInputException("names: an array of at most " + MAX_NAMES + " secret names");
    }
    for (String name : request.names()) {
      if (name == null || name.isBlank() || name.length() > 128) {
        throw new InvalidInputException("names: each must be a secret name");
      }
    }
  }

  /** Refuses a machine that was given no work of the execution, or an execution that ended. */
  private static void authorize(MachineDocument machine, ExecutionDocument execution) {
    if (!AgentEventIngestor.takesPart(machine, execution)) {
      throw forbidden(
          "execution '"
              + execution.id()
              + "': machine '"
              + machine.name()
              + "' was given no work of it");
    }
    if (execution.state() != null && execution.state().isTerminal()) {
      throw forbidden("execution '" + execution.id() + "' has ended (" + execution.state() + ")");
    }
  }

  private static TestDefinition test(SuiteSnapshot snapshot, String testId) {
    if (snapshot.suite() == null || snapshot.suite().tests() == null) {
      throw new NotFoundException("test", testId);
    }
    return snapshot.suite().tests().stream()
        .filter(t -> testId.equals(t.id()))
        .findFirst()
        .orElseThrow(() -> new NotFoundException("test", testId));
  }

  private static ForbiddenException forbidden(String detail) {
    return new ForbiddenException(detail);
  }
}
