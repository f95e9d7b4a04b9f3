package io.cta.api.suite;

import io.cta.activities.agent.TestSpec;
import io.cta.server.definition.DefinitionStore;
import io.cta.server.definition.ScenarioDocument;
import io.cta.server.definition.StageDefinition;
import io.cta.server.definition.SuiteDocument;
import io.cta.server.definition.TestDefinition;
import io.cta.server.error.ConflictException;
import io.cta.server.error.InvalidInputException;
import io.cta.server.secret.SecretReferences;
import io.cta.server.secret.SecretStore;
import io.cta.server.web.PageRequest;
import io.cta.server.web.PageView;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import java.net.URI;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
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
@RequestMapping(path = "/api/v1/suites", produces = MediaType.APPLICATION_JSON_VALUE)
class SuiteController {

  private static final Set<String> SORTABLE = Set.of("name", "createdAt", "updatedAt");
  private static final String WHAT = "suite";

  private final DefinitionStore definitions;
  private final SecretStore secrets;

  SuiteController(DefinitionStore definitions, SecretStore secrets) {
    this.definitions = definitions;
    this.secrets = secrets;
  }

  @GetMapping
  Mono<PageView<SuiteView>> list(
      @Parameter(description = "Only those with exactly this name") @RequestParam(required = false)
          String name,
      @RequestParam(required = false) Integer page,
      @RequestParam(required = false) Integer size,
      @RequestParam(required = false) String sort) {
    PageRequest paging = PageRequest.of(page, size, sort, SORTABLE, Sort.by("name"));
    return PageView.of(
        paging,
        definitions
            .find(SuiteDocument.class, name, paging.sort(), paging.offset(), paging.size())
            .map(SuiteView::of),
        definitions.count(SuiteDocument.class, name));
  }

  @PostMapping
  Mono<ResponseEntity<SuiteView>> create(@Valid @RequestBody SuiteRequest request) {
    check(request);
    return checkSecrets(request)
        .then(
            Mono.defer(
                () -> {
                  Instant now = DefinitionStore.nextUpdate(null);
                  return definitions.insert(
                      new SuiteDocument(
                          new ObjectId().toHexString(),
                          request.name(),
                          request.description(),
                          request.tests(),
                          now,
                          now));
                }))
        .map(
            saved ->
                ResponseEntity.created(URI.create("/api/v1/suites/" + saved.id()))
                    .body(SuiteView.of(saved)));
  }

  @GetMapping("/{id}")
  Mono<ResponseEntity<SuiteView>> get(@PathVariable String id) {
    return definitions.get(SuiteDocument.class, id, WHAT).map(SuiteController::tagged);
  }

  private static ResponseEntity<SuiteView> tagged(SuiteDocument suite) {
    return ResponseEntity.ok()
        .eTag(DefinitionStore.etag(suite.updatedAt()))
        .body(SuiteView.of(suite));
  }

  @PutMapping("/{id}")
  Mono<ResponseEntity<SuiteView>> update(
      @PathVariable String id,
      @Valid @RequestBody SuiteRequest request,
      @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    check(request);
    return checkSecrets(request)
        .then(
            Mono.defer(
                () ->
                    definitions.replace(
                        SuiteDocument.class,
                        id,
                        WHAT,
                        ifMatch,
                        SuiteDocument::updatedAt,
                        old -> Map.of(),
                        old ->
                            new SuiteDocument(
                                id,
                                request.name(),
                                request.description(),
                                request.tests(),
                                old.createdAt(),
                                DefinitionStore.nextUpdate(old.updatedAt())))))
        .map(SuiteController::tagged);
  }

  @ApiResponse(responseCode = "409", description = "The suite is used by a scenario")
  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> delete(@PathVariable String id) {
    return definitions
        .isReferenced(ScenarioDocument.class, "testSuiteId", id)
        .flatMap(
            used ->
                used
                    ? Mono.error(new ConflictException("suite '" + id + "' is used by a scenario"))
                    : definitions.delete(SuiteDocument.class, id, WHAT));
  }

  /**
   * Every {@code ${secret:NAME}} in a stage's environment is well formed and names a stored secret
   * (a 400 names the variable and the secret); the values themselves stay where they are.
   */
  private Mono<Void> checkSecrets(SuiteRequest request) {
    Map<String, String> firstUse = new LinkedHashMap<>();
    for (int i = 0; i < request.tests().size(); i++) {
      List<StageDefinition> stages = request.tests().get(i).stages();
      for (int j = 0; j < stages.size(); j++) {
        for (Map.Entry<String, String> env : new TreeMap<>(stages.get(j).env()).entrySet()) {
          String where = "tests[" + i + "].stages[" + j + "].env." + env.getKey();
          try {
            SecretReferences.in(env.getValue()).forEach(name -> firstUse.putIfAbsent(name, where));
          } catch (IllegalArgumentException malformed) {
            throw new InvalidInputException(where + ": " + malformed.getMessage());
          }
        }
      }
    }
    if (firstUse.isEmpty()) {
      return Mono.empty();
    }
    return secrets
        .existing(firstUse.keySet())
        .collect(Collectors.toSet())
        .flatMap(
            stored -> {
              for (Map.Entry<String, String> use : firstUse.entrySet()) {
                if (!stored.contains(use.getKey())) {
                  return Mono.error(
                      new InvalidInputException(
                          use.getValue() + ": secret '" + use.getKey() + "' does not exist"));
                }
              }
              return Mono.empty();
            });
  }

  /** What bean validation cannot say: unique test ids, report globs inside the working dir. */
  private static void check(SuiteRequest request) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < request.tests().size(); i++) {
      TestDefinition test = request.tests().get(i);
      if (!seen.add(test.id())) {
        throw new InvalidInputException("tests: the test id '" + test.id() + "' appears twice");
      }
      for (int j = 0; j < test.reports().size(); j++) {
        if (TestSpec.escapesWorkDir(test.reports().get(j))) {
          throw new InvalidInputException(
              "tests["
                  + i
                  + "].reports["
                  + j
                  + "]: must be a glob relative to the test's working directory, without '..'");
        }
      }
    }
  }
}
