package io.cta.consumer.agent;

import io.cta.activities.events.AgentConfig;
import io.cta.activities.events.BatchAck;
import io.cta.activities.events.DeregisterRequest;
import io.cta.activities.events.EventBatch;
import io.cta.activities.events.HeartbeatRequest;
import io.cta.activities.events.RegisterRequest;
import io.cta.activities.events.RunningTest;
import io.cta.consumer.vm.VmRegistrations;
import io.cta.server.config.CtaServerProperties;
import io.cta.server.error.ForbiddenException;
import io.cta.server.error.InvalidInputException;
import io.cta.server.error.NotFoundException;
import io.cta.server.machine.AllowList;
import io.cta.server.machine.LabelLimits;
import io.cta.server.machine.MachineDocument;
import io.cta.server.machine.MachineStore;
import io.cta.server.machine.PoolStore;
import io.cta.server.security.CtaPrincipal;
import io.cta.server.security.Role;
import io.cta.server.security.TokenDocument;
import io.cta.server.security.TokenStore;
import io.cta.temporal.TaskQueues;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** The agent endpoints (docs/agent.md); only agent tokens reach them. */
@RestController
@RequestMapping("/agent/v1")
class AgentController {

  private static final int MAX_BATCH = 1000;

  private final MachineStore machines;
  private final AgentEventIngestor ingestor;
  private final CtaServerProperties properties;
  private final PoolStore pools;
  private final MachineOwnership ownership;
  private final TokenStore tokens;
  private final VmRegistrations vmRegistrations;

  AgentController(
      MachineStore machines,
      AgentEventIngestor ingestor,
      CtaServerProperties properties,
      PoolStore pools,
      MachineOwnership ownership,
      TokenStore tokens,
      VmRegistrations vmRegistrations) {
    this.machines = machines;
    this.vmRegistrations = vmRegistrations;
    this.ownership = ownership;
    this.tokens = tokens;
    this.pools = pools;
    this.ingestor = ingestor;
    this.properties = properties;
  }

  @PostMapping("/register")
  Mono<AgentConfig> register(@RequestBody RegisterRequest request, ServerWebExchange exchange) {
    if (request.name() == null || !TaskQueues.isValidName(request.name())) {
      throw new InvalidInputException("name: use 1-128 letters, digits, '.', '_' or '-'");
    }
    if (request.slots() < 1 || request.slots() > 1024) {
      throw new InvalidInputException("slots: must be between 1 and 1024");
    }
    try {
      LabelLimits.checkLabels("", request.properties(), request.groups());
    } catch (LabelLimits.LimitException e) {
      throw new InvalidInputException(e.getMessage());
    }
    CtaPrincipal principal = CtaPrincipal.of(exchange);
    if (principal.role() == Role.runner) {
      // An SSH machine is what its operator declared: the runner's registration changes none of
      // it (docs/agentless.md).
      return ownership
          .check(exchange, request.name())
          .then(Mono.defer(() -> machines.runnerRegistered(request.name())))
          .switchIfEmpty(Mono.error(() -> new NotFoundException("machine", request.name())))
          .flatMap(this::config);
    }
    return ownership
        .check(exchange, request.name())
        .then(tokens.find(principal.tokenId()))
        .map(TokenDocument::allowList)
        .defaultIfEmpty(AllowList.ANY)
        .flatMap(allowed -> machines.register(request, allowed, Instant.now()))
        .flatMap(machine -> vmRegistrations.registered(request.name()).thenReturn(machine))
        .flatMap(this::config);
  }

  @PostMapping("/heartbeat")
  Mono<AgentConfig> heartbeat(@RequestBody HeartbeatRequest request, ServerWebExchange exchange) {
    return ownership
        .check(exchange, request.name())
        .then(
            Mono.defer(
                () ->
                    machines.heartbeat(
                        request.name(),
                        request.executions(),
                        runningTests(request.running()),
                        request.stopping(),
                        Instant.now())))
        .switchIfEmpty(Mono.error(new NotFoundException("machine", request.name())))
        .flatMap(this::config);
  }

  /** The tests the agent reports, for the machine document: null (an older agent) is none. */
  static List<MachineDocument.RunningTest> runningTests(List<RunningTest> reported) {
    if (reported == null) {
      return List.of();
    }
    return reported.stream()
        .filter(t -> t != null && t.executionId() != null && t.testId() != null)
        .limit(MachineStore.MAX_RUNNING)
        .map(
            t ->
                new MachineDocument.RunningTest(
                    t.executionId(), t.testId(), t.attempt(), Instant.ofEpochMilli(t.startedAt())))
        .toList();
  }

  /** The agent's goodbye once it drained: its machine is offline at once, not after a timeout. */
  @PostMapping("/deregister")
  Mono<AgentConfig> deregister(@RequestBody DeregisterRequest request, ServerWebExchange exchange) {
    return ownership
        .check(exchange, request.name())
        .then(Mono.defer(() -> machines.deregister(request.name(), Instant.now())))
        .switchIfEmpty(Mono.error(new NotFoundException("machine", request.name())))
        .flatMap(this::config);
  }

  @PostMapping("/events")
  Mono<BatchAck> events(@RequestBody EventBatch batch, ServerWebExchange exchange) {
    if (batch.events() == null || batch.events().size() > MAX_BATCH) {
      throw new InvalidInputException("events: between 0 and " + MAX_BATCH + " per batch");
    }
    return ownership
        .check(exchange, batch.machine())
        .then(Mono.defer(() -> machines.findByName(batch.machine())))
        .switchIfEmpty(Mono.error(new NotFoundException("machine", batch.machine())))
        .flatMap(machine -> ingestor.ingest(machine, batch.events()));
  }

  /** A token bound to a machine may speak only for that machine. */
  static void checkMachine(ServerWebExchange exchange, String machine) {
    if (machine == null || machine.isBlank()) {
      throw new InvalidInputException("the machine name is required");
    }
    CtaPrincipal principal = CtaPrincipal.of(exchange);
    if (principal.machine() != null && !principal.machine().equals(machine)) {
      throw new ForbiddenException("this token is bound to machine '" + principal.machine() + "'");
    }
  }

  /** The desired state: the queues to poll (its own, its groups', the pools it matches now). */
  private Mono<AgentConfig> config(MachineDocument machine) {
    return pools.queuesFor(machine).map(poolQueues -> config(machine, poolQueues));
  }

  private AgentConfig config(MachineDocument machine, List<String> poolQueues) {
    List<String> queues = new ArrayList<>();
    queues.add(TaskQueues.machine(machine.name()));
    machine.effective().groups().stream()
        .filter(TaskQueues::isValidName)
        .map(TaskQueues::group)
        .forEach(queues::add);
    queues.addAll(poolQueues);
    return new AgentConfig(
        machine.id(),
        machine.name(),
        queues,
        machine.effective().properties(),
        machine.effective().groups(),
        properties.heartbeatInterval().toMillis(),
        machine.draining());
  }
}
