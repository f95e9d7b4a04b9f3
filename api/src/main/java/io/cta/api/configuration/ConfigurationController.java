package io.cta.api.configuration;

import io.cta.activities.RunMode;
import io.cta.server.definition.ConfigurationDocument;
import io.cta.server.definition.ConfigurationDocument.MachineType;
import io.cta.server.definition.DefinitionStore;
import io.cta.server.definition.ScenarioDocument;
import io.cta.server.definition.Target;
import io.cta.server.definition.TargetFields;
import io.cta.server.error.ConflictException;
import io.cta.server.error.InvalidInputException;
import io.cta.server.web.PageRequest;
import io.cta.server.web.PageView;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.bson.types.ObjectId;
import org.springframework.data.domain.Sort;
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
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping(path = "/api/v1/configurations", produces = MediaType.APPLICATION_JSON_VALUE)
class ConfigurationController {

  private static final Set<String> SORTABLE = Set.of("name", "createdAt", "updatedAt");
  private static final String WHAT = "configuration";

  private final DefinitionStore definitions;

  ConfigurationController(DefinitionStore definitions) {
    this.definitions = definitions;
  }

  @GetMapping
  Mono<PageView<ConfigurationView>> list(
      @Parameter(description = "Only those with exactly this name") @RequestParam(required = false)
          String name,
      @RequestParam(required = false) Integer page,
      @RequestParam(required = false) Integer size,
      @RequestParam(required = false) String sort) {
    PageRequest paging = PageRequest.of(page, size, sort, SORTABLE, Sort.by("name"));
    return PageView.of(
        paging,
        definitions
            .find(ConfigurationDocument.class, name, paging.sort(), paging.offset(), paging.size())
            .map(ConfigurationView::of),
        definitions.count(ConfigurationDocument.class, name));
  }

  @PostMapping
  Mono<ResponseEntity<ConfigurationView>> create(@Valid @RequestBody ConfigurationRequest request) {
    Instant now = DefinitionStore.nextUpdate(null);
    ConfigurationDocument configuration = document(new ObjectId().toHexString(), request, now, now);
    return definitions
        .insert(configuration)
        .map(
            saved ->
                ResponseEntity.created(URI.create("/api/v1/configurations/" + saved.id()))
                    .body(ConfigurationView.of(saved)));
  }

  @GetMapping("/{id}")
  Mono<ResponseEntity<ConfigurationView>> get(@PathVariable String id) {
    return definitions
        .get(ConfigurationDocument.class, id, WHAT)
        .map(ConfigurationController::tagged);
  }

  private static ResponseEntity<ConfigurationView> tagged(ConfigurationDocument configuration) {
    return ResponseEntity.ok()
        .eTag(DefinitionStore.etag(configuration.updatedAt()))
        .body(ConfigurationView.of(configuration));
  }

  @PutMapping("/{id}")
  Mono<ResponseEntity<ConfigurationView>> update(
      @PathVariable String id,
      @Valid @RequestBody ConfigurationRequest request,
      @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    ConfigurationDocument checked = document(id, request, null, null);
    return definitions
        .replace(
            ConfigurationDocument.class,
            id,
            WHAT,
            ifMatch,
            ConfigurationDocument::updatedAt,
            old -> Map.of(),
            old ->
                new ConfigurationDocument(
                    id,
                    checked.name(),
                    checked.runMode(),
                    checked.type(),
                    checked.target(),
                    checked.includeOffline(),
                    old.createdAt(),
                    DefinitionStore.nextUpdate(old.updatedAt())))
        .map(ConfigurationController::tagged);
  }

  @ApiResponse(responseCode = "409", description = "The configuration is used by a scenario")
  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> delete(@PathVariable String id) {
    return definitions
        .isReferenced(ScenarioDocument.class, "configurationId", id)
        .flatMap(
            used ->
                used
                    ? Mono.error(
                        new ConflictException("configuration '" + id + "' is used by a scenario"))
                    : definitions.delete(ConfigurationDocument.class, id, WHAT));
  }

  /** Validates the request and builds the document. */
  private static ConfigurationDocument document(
      String id, ConfigurationRequest request, Instant createdAt, Instant updatedAt) {
    if (request.target().vmPool() != null) {
      throw new InvalidInputException(TargetFields.VM_POOL_NOT_YET);
    }
    Target target = request.target().target();
    if (target == null) {
      throw new InvalidInputException(TargetFields.EXACTLY_ONE);
    }
    target
        .problem()
        .ifPresent(
            problem -> {
              throw new InvalidInputException(problem);
            });
    RunMode runMode = request.runMode() == null ? RunMode.mono : request.runMode();
    if (runMode == RunMode.group && target.namesOneMachine()) {
      throw new InvalidInputException("runMode: group mode needs a group or selector target");
    }
    MachineType type = request.type() == null ? MachineType.physical : request.type();
    return new ConfigurationDocument(
        id,
        request.name(),
        runMode,
        type,
        target,
        Boolean.TRUE.equals(request.includeOffline()),
        createdAt,
        updatedAt);
  }
}
