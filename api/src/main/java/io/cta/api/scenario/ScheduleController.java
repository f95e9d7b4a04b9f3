package io.cta.api.scenario;

import io.cta.server.definition.DefinitionStore;
import io.cta.server.definition.ScenarioDocument;
import io.cta.server.error.NotFoundException;
import jakarta.validation.Valid;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code /api/v1/scenarios/{id}/schedule}: one schedule per scenario. */
@RestController
@RequestMapping(
    path = "/api/v1/scenarios/{id}/schedule",
    produces = MediaType.APPLICATION_JSON_VALUE)
class ScheduleController {

  private final DefinitionStore definitions;
  private final Schedules schedules;

  ScheduleController(DefinitionStore definitions, Schedules schedules) {
    this.definitions = definitions;
    this.schedules = schedules;
  }

  /** The schedule with an {@code ETag}, to send back in {@code If-Match} on a {@code PUT}. */
  @GetMapping
  Mono<ResponseEntity<ScheduleView>> get(@PathVariable String id) {
    return scenario(id).then(schedules.get(id)).map(ScheduleController::tagged);
  }

  /** Sets the schedule; with {@code If-Match}, only if it is unchanged since (else 412). */
  @PutMapping
  Mono<ResponseEntity<ScheduleView>> put(
      @PathVariable String id,
      @Valid @RequestBody ScheduleRequest request,
      @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    return scenario(id).then(schedules.put(id, request, ifMatch)).map(ScheduleController::tagged);
  }

  @DeleteMapping
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> delete(@PathVariable String id) {
    return scenario(id)
        .then(schedules.delete(id))
        .flatMap(
            deleted ->
                deleted
                    ? Mono.<Void>empty()
                    : Mono.error(new NotFoundException("schedule of scenario", id)));
  }

  @PostMapping("/pause")
  Mono<ScheduleView> pause(@PathVariable String id) {
    return scenario(id).then(schedules.pause(id, true));
  }

  @PostMapping("/resume")
  Mono<ScheduleView> resume(@PathVariable String id) {
    return scenario(id).then(schedules.pause(id, false));
  }

  /**
   * Fires once now (the overlap policy applies); the execution appears in the schedule's events.
   */
  @PostMapping("/trigger")
  Mono<ResponseEntity<ScheduleView>> trigger(@PathVariable String id) {
    return scenario(id)
        .then(schedules.trigger(id))
        .map(view -> ResponseEntity.status(HttpStatus.ACCEPTED).body(view));
  }

  private static ResponseEntity<ScheduleView> tagged(ScheduleView schedule) {
    return ResponseEntity.ok().eTag(DefinitionStore.etag(schedule.updatedAt())).body(schedule);
  }

  private Mono<ScenarioDocument> scenario(String id) {
    return definitions.get(ScenarioDocument.class, id, "scenario");
  }
}
