package io.cta.api.machine;

import io.cta.server.error.InvalidInputException;
import io.cta.server.error.NotFoundException;
import io.cta.server.machine.LabelLimits;
import io.cta.server.machine.LabelRemovals;
import io.cta.server.machine.Labels;
import io.cta.server.machine.MachineStore;
import io.cta.server.web.PageRequest;
import io.cta.server.web.PageView;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    Map<String, String> newProperties = assigned;
    List<String> newRemovedProperties = removedProperties;
    return machines
        .findByNameOrId(id)
        .switchIfEmpty(Mono.error(() -> new NotFoundException("machine", id)))
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
