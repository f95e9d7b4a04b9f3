package io.cta.api.machine;

import io.cta.server.machine.MachineStore;
import io.cta.server.web.ApiException;
import io.cta.server.web.PageRequest;
import io.cta.server.web.PageView;
import io.cta.temporal.TaskQueues;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import java.time.Instant;
import java.util.Set;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.query.Query;
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
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping(path = "/api/v1/machines", produces = MediaType.APPLICATION_JSON_VALUE)
class MachineController {

  private static final Set<String> SORTABLE = Set.of("name", "lastSeenAt");
  private static final Set<String> STATUSES = Set.of("online", "busy", "draining", "offline");

  private final MachineStore machines;

  MachineController(MachineStore machines) {
    this.machines = machines;
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
      throw ApiException.badRequest("status: must be one of " + STATUSES);
    }
    String[] keyValue = property == null ? null : property.split("=", 2);
    if (keyValue != null && (keyValue.length != 2 || keyValue[0].isBlank())) {
      throw ApiException.badRequest("property: use key=value");
    }
    Instant now = Instant.now();
    return machines
        .list(new Query().with(paging.sort()))
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
        .switchIfEmpty(Mono.error(() -> ApiException.notFound("machine", id)))
        .map(m -> MachineView.of(m, Instant.now(), machines.offlineAfter()));
  }

  /** Sets the server-assigned properties and groups; the agent picks them up on its heartbeat. */
  @PatchMapping("/{id}")
  Mono<MachineView> patch(@PathVariable String id, @Valid @RequestBody MachinePatch patch) {
    if (patch.groups() != null) {
      for (String g : patch.groups()) {
        if (!TaskQueues.isValidName(g)) {
          throw ApiException.badRequest("groups: '" + g + "' is not a valid group name");
        }
      }
    }
    return machines
        .findByNameOrId(id)
        .switchIfEmpty(Mono.error(() -> ApiException.notFound("machine", id)))
        .flatMap(
            m ->
                machines.assign(
                    m.id(),
                    patch.properties() == null ? m.assigned().properties() : patch.properties(),
                    patch.groups() == null ? m.assigned().groups() : patch.groups()))
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
        .switchIfEmpty(Mono.error(() -> ApiException.notFound("machine", id)))
        .flatMap(m -> machines.drain(m.id(), draining))
        .map(m -> MachineView.of(m, Instant.now(), machines.offlineAfter()));
  }
}
