package io.cta.api.machine;

import io.cta.server.error.ConflictException;
import io.cta.server.error.InvalidInputException;
import io.cta.server.error.NotFoundException;
import io.cta.server.machine.LabelLimits;
import io.cta.server.machine.LabelRemovals;
import io.cta.server.machine.Labels;
import io.cta.server.machine.MachineDocument;
import io.cta.server.machine.MachineKind;
import io.cta.server.machine.MachineStore;
import io.cta.server.machine.SshConnection;
import io.cta.server.secret.SecretStore;
import io.cta.server.secret.SecretsUnavailableException;
import io.cta.server.security.TokenStore;
import io.cta.server.web.PageRequest;
import io.cta.server.web.PageView;
import io.cta.temporal.TaskQueues;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.bson.types.ObjectId;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping(path = "/api/v1/machines", produces = MediaType.APPLICATION_JSON_VALUE)
class MachineController {

  private static final Set<String> SORTABLE = Set.of("name", "lastSeenAt");
  private static final Set<String> STATUSES = Set.of("online", "busy", "draining", "offline");

  /** An operating system name as the os property spells it: {@code linux}, {@code macos}. */
  private static final Pattern OS = Pattern.compile("[a-z0-9][a-z0-9._-]{0,31}");

  private static final int MAX_SLOTS = 1024;

  private final MachineStore machines;
  private final SecretStore secrets;
  private final TokenStore tokens;

  MachineController(MachineStore machines, SecretStore secrets, TokenStore tokens) {
    this.machines = machines;
    this.secrets = secrets;
    this.tokens = tokens;
  }

  /**
   * Declares an SSH machine (docs/agentless.md): the SSH runner probes it and takes its work; it is
   * offline until its first probe succeeds. Agents register their machines themselves.
   */
  @ApiResponse(responseCode = "201", description = "Declared: the machine, offline until probed")
  @ApiResponse(responseCode = "409", description = "A machine (or an agent token) has this name")
  @ApiResponse(responseCode = "503", description = "No secret key is configured (docs/security.md)")
  @PostMapping
  Mono<ResponseEntity<MachineView>> create(@RequestBody MachineRequest request) {
    if (request.name() == null || !TaskQueues.isValidName(request.name())) {
      throw new InvalidInputException("name: use 1-128 letters, digits, '.', '_' or '-'");
    }
    if (!MachineKind.ssh.name().equals(request.kind())) {
      throw new InvalidInputException(
          "kind: must be 'ssh'; agents register their machines themselves (docs/agent.md)");
    }
    String os = request.os() == null ? "linux" : request.os();
    if (!OS.matcher(os).matches()) {
      throw new InvalidInputException(
          "os: 1-32 lower-case letters, digits, '.', '_' or '-', such as linux or macos");
    }
    refuseWindows("os", os);
    try {
      LabelLimits.checkLabels("", request.properties(), request.groups());
    } catch (LabelLimits.LimitException e) {
      throw new InvalidInputException(e.getMessage());
    }
    if (request.properties() != null) {
      refuseWindows("properties.os", request.properties().get("os"));
    }
    int slots = checkSlots(request.slots());
    SshConnection ssh = connection(request.ssh());
    Labels assigned = new Labels(request.properties(), request.groups());
    MachineDocument machine =
        MachineDocument.ssh(
            new ObjectId().toHexString(), request.name(), os, ssh, assigned, slots, Instant.now());
    return requireCredential(ssh)
        .then(tokens.boundElsewhere(request.name(), ""))
        .flatMap(
            bound ->
                bound
                    ? Mono.error(
                        new ConflictException(
                            "name: an agent token is bound to machine '"
                                + request.name()
                                + "'; choose another name"))
                    : machines.create(machine))
        .onErrorMap(
            DuplicateKeyException.class,
            e -> new ConflictException("name: machine '" + request.name() + "' exists"))
        .map(
            saved ->
                ResponseEntity.created(URI.create("/api/v1/machines/" + saved.name()))
                    .body(MachineView.of(saved, Instant.now(), machines.offlineAfter())));
  }

  /**
   * Forgets a machine that runs nothing: an SSH machine at any time, an agent's once it is offline
   * (a running agent would register it again).
   */
  @ApiResponse(responseCode = "409", description = "It runs an execution, or its agent is online")
  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> delete(@PathVariable String id) {
    return machines
        .findByNameOrId(id)
        .switchIfEmpty(Mono.error(() -> new NotFoundException("machine", id)))
        .flatMap(
            m -> {
              String status = m.status(Instant.now(), machines.offlineAfter());
              if (m.kind() == MachineKind.agent && !"offline".equals(status)) {
                return Mono.error(
                    new ConflictException(
                        "machine '"
                            + m.name()
                            + "' is "
                            + status
                            + ": drain it and stop its agent first"));
              }
              return machines
                  .deleteIdle(m.id())
                  .flatMap(
                      deleted ->
                          deleted
                              ? Mono.<Void>empty()
                              : Mono.error(
                                  new ConflictException(
                                      "machine '"
                                          + m.name()
                                          + "' runs executions "
                                          + m.executions()
                                          + ": cancel them or wait for them to end")));
            });
  }

  /** An SSH machine with its new connection or slots; the machine itself when neither changes. */
  private Mono<MachineDocument> reconnect(MachineDocument m, SshConnection ssh, Integer slots) {
    if (ssh == null && slots == null) {
      return Mono.just(m);
    }
    if (m.kind() != MachineKind.ssh) {
      return Mono.error(
          new InvalidInputException(
              (ssh != null ? "ssh" : "slots")
                  + ": only an SSH machine's; an agent declares its own (docs/agent.md)"));
    }
    SshConnection next = ssh == null ? m.ssh() : ssh;
    Mono<Void> check = ssh == null ? Mono.empty() : requireCredential(ssh);
    return check.then(
        machines
            .reconnect(m.id(), next, slots == null ? m.slots() : slots)
            .switchIfEmpty(Mono.error(() -> new NotFoundException("machine", m.name()))));
  }

  private static void refuseWindows(String field, String os) {
    if (os != null && os.toLowerCase(Locale.ROOT).startsWith("windows")) {
      throw new InvalidInputException(
          field
              + ": SSH machines must be POSIX hosts (Linux, macOS, BSD); Windows is not supported"
              + " (docs/agentless.md, \"Limits\")");
    }
  }

  private static int checkSlots(Integer slots) {
    int n = slots == null ? 1 : slots;
    if (n < 1 || n > MAX_SLOTS) {
      throw new InvalidInputException("slots: must be between 1 and " + MAX_SLOTS);
    }
    return n;
  }

  private static SshConnection connection(SshRequest ssh) {
    if (ssh == null) {
      throw new InvalidInputException("ssh: required for an SSH machine: host, user, credential");
    }
    return SshConnection.checked(
        ssh.host(), ssh.port(), ssh.user(), ssh.credential(), ssh.hostKey(), ssh.trustOnFirstUse());
  }

  /** The credential must name a stored secret, so that a typo is a 400 now, not an offline host. */
  private Mono<Void> requireCredential(SshConnection ssh) {
    if (!secrets.configured()) {
      return Mono.error(new SecretsUnavailableException());
    }
    return secrets
        .find(ssh.credential())
        .switchIfEmpty(
            Mono.error(
                () ->
                    new InvalidInputException(
                        "ssh.credential: no secret named '"
                            + ssh.credential()
                            + "' (POST /api/v1/secrets first)")))
        .then();
  }

  /**
   * Filters apply to effective labels and the derived status, so they are evaluated here rather
   * than in MongoDB; a fleet's machine list is small next to results.
   */
  @GetMapping
  Mono<PageView<MachineView>> list(
      @RequestParam(required = false) String property,
      @RequestParam(required = false) String group,
      @RequestParam(required = false) String status,
      @RequestParam(required = false) Integer page,
      @RequestParam(required = false) Integer size,
      @RequestParam(required = false) String sort) {
    PageRequest paging = PageRequest.of(page, size, sort, SORTABLE, Sort.by("name"));
    if (status != null && !STATUSES.contains(status)) {
      throw new InvalidInputException("status: must be one of " + STATUSES);
    }
    String[] keyValue = property == null ? null : property.split("=", 2);
    if (keyValue != null && (keyValue.length != 2 || keyValue[0].isBlank())) {
      throw new InvalidInputException("property: use key=value");
    }
    Instant now = Instant.now();
    return machines
        .list(paging.sort())
        .map(m -> MachineView.of(m, now, machines.offlineAfter()))
        .filter(m -> status == null || status.equals(m.status()))
        .filter(m -> group == null || m.groups().contains(group))
        .filter(m -> keyValue == null || keyValue[1].equals(m.properties().get(keyValue[0])))
        .collectList()
        .map(
            all -> {
              int from = (int) Math.min(all.size(), paging.offset());
              int to = Math.min(all.size(), from + paging.size());
              return new PageView<>(
                  all.subList(from, to), paging.page(), paging.size(), all.size());
            });
  }

  @GetMapping("/{id}")
  Mono<MachineView> get(@PathVariable String id) {
    return machines
        .findByNameOrId(id)
        .switchIfEmpty(Mono.error(() -> new NotFoundException("machine", id)))
        .map(m -> MachineView.of(m, Instant.now(), machines.offlineAfter()));
  }

  /**
   * Sets the server-assigned properties and groups, and the declared ones that do not count; the
   * agent picks them up on its heartbeat.
   */
  @PatchMapping("/{id}")
  Mono<MachineView> patch(@PathVariable String id, @RequestBody MachinePatch patch) {
    Map<String, String> assigned = null;
    List<String> removedProperties = null;
    try {
      if (patch.properties() != null) {
        LabelLimits.checkCount("properties", patch.properties().size(), LabelLimits.MAX_PROPERTIES);
        assigned = new LinkedHashMap<>();
        removedProperties = new ArrayList<>();
        for (Map.Entry<String, String> p : patch.properties().entrySet()) {
          LabelLimits.checkPropertyName("properties", p.getKey());
          if (p.getValue() == null) {
            removedProperties.add(p.getKey());
          } else {
            LabelLimits.checkValue("properties." + p.getKey(), p.getValue());
            assigned.put(p.getKey(), p.getValue());
          }
        }
      }
      LabelLimits.checkGroups("groups", patch.groups());
      LabelLimits.checkGroups("removeGroups", patch.removeGroups());
    } catch (LabelLimits.LimitException e) {
      throw new InvalidInputException(e.getMessage());
    }
    if (patch.groups() != null && patch.removeGroups() != null) {
      for (String g : patch.groups()) {
        if (patch.removeGroups().contains(g)) {
          throw new InvalidInputException(
              "groups, removeGroups: '" + g + "' cannot be both assigned and removed");
        }
      }
    }
    SshConnection ssh = patch.ssh() == null ? null : connection(patch.ssh());
    Integer slots = patch.slots() == null ? null : checkSlots(patch.slots());
    Map<String, String> newProperties = assigned;
    List<String> newRemovedProperties = removedProperties;
    return machines
        .findByNameOrId(id)
        .switchIfEmpty(Mono.error(() -> new NotFoundException("machine", id)))
        .doOnNext(
            m -> {
              if (m.kind() == MachineKind.ssh && newProperties != null) {
                refuseWindows("properties.os", newProperties.get("os"));
              }
            })
        .flatMap(m -> reconnect(m, ssh, slots))
        .flatMap(
            m -> {
              Labels before = m.assigned() == null ? Labels.EMPTY : m.assigned();
              LabelRemovals removedBefore = m.removed() == null ? LabelRemovals.NONE : m.removed();
              Labels labels =
                  new Labels(
                      newProperties == null ? before.properties() : newProperties,
                      patch.groups() == null ? before.groups() : patch.groups());
              LabelRemovals removals =
                  newRemovedProperties == null && patch.removeGroups() == null
                      ? null
                      : new LabelRemovals(
                          newRemovedProperties == null
                              ? removedBefore.properties()
                              : newRemovedProperties,
                          patch.removeGroups() == null
                              ? removedBefore.groups()
                              : patch.removeGroups());
              return machines.assign(m.id(), labels, removals);
            })
        .map(m -> MachineView.of(m, Instant.now(), machines.offlineAfter()));
  }

  /**
   * Drains a machine: it takes no new work, its running tests finish (its agent cancels them after
   * its drain timeout), then its agent deregisters and exits. Answered at once (202); the machine
   * shows {@code draining}, then {@code offline}.
   */
  @ApiResponse(responseCode = "202", description = "Draining: the machine, status `draining`")
  @PostMapping("/{id}/drain")
  Mono<ResponseEntity<MachineView>> drain(@PathVariable String id) {
    return setDraining(id, true).map(view -> ResponseEntity.status(HttpStatus.ACCEPTED).body(view));
  }

  /** Stops a drain: an agent still finishing its tests takes work again. */
  @DeleteMapping("/{id}/drain")
  Mono<MachineView> undrain(@PathVariable String id) {
    return setDraining(id, false);
  }

  private Mono<MachineView> setDraining(String id, boolean draining) {
    return machines
        .findByNameOrId(id)
        .switchIfEmpty(Mono.error(() -> new NotFoundException("machine", id)))
        .flatMap(m -> machines.drain(m.id(), draining))
        .map(m -> MachineView.of(m, Instant.now(), machines.offlineAfter()));
  }
}
