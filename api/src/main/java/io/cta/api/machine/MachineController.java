package io.cta.api.machine;

import io.cta.server.machine.MachineStore;
import io.cta.server.web.ApiException;
import io.cta.server.web.PageRequest;
import io.cta.server.web.PageView;
import io.cta.temporal.TaskQueues;
import jakarta.validation.Valid;
import java.time.Instant;
import java.util.Set;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
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
}
