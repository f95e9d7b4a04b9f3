package io.cta.api.scenario;

import io.cta.api.execution.ExecutionView;
import io.cta.api.execution.ExecutionViews;
import io.cta.server.definition.DefinitionStore;
import io.cta.server.definition.Notification;
import io.cta.server.definition.ScenarioDocument;
import io.cta.server.definition.WebhookUrls;
import io.cta.server.scenario.ScenarioRunner;
import io.cta.server.security.CtaPrincipal;
import io.cta.server.web.PageRequest;
import io.cta.server.web.PageView;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import java.net.URI;
import java.time.Instant;
import java.util.List;
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
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping(path = "/api/v1/scenarios", produces = MediaType.APPLICATION_JSON_VALUE)
class ScenarioController {

  private static final Set<String> SORTABLE = Set.of("name", "createdAt", "updatedAt");
  private static final String WHAT = "scenario";

  private final DefinitionStore definitions;
  private final ScenarioRunner runner;
  private final ExecutionViews views;
  private final Schedules schedules;
  private final ScenarioRequests requests;

  ScenarioController(
      DefinitionStore definitions,
      ScenarioRunner runner,
      ExecutionViews views,
      Schedules schedules,
      ScenarioRequests requests) {
    this.definitions = definitions;
    this.runner = runner;
    this.views = views;
    this.schedules = schedules;
    this.requests = requests;
  }

  @GetMapping
  Mono<PageView<ScenarioView>> list(
      @Parameter(description = "Only those with exactly this name") @RequestParam(required = false)
          String name,
      @RequestParam(required = false) Integer page,
      @RequestParam(required = false) Integer size,
      @RequestParam(required = false) String sort,
      ServerWebExchange exchange) {
    boolean fullUrls = fullUrls(exchange);
    PageRequest paging = PageRequest.of(page, size, sort, SORTABLE, Sort.by("name"));
    return PageView.of(
        paging,
        definitions
            .find(ScenarioDocument.class, name, paging.sort(), paging.offset(), paging.size())
            .concatMap(d -> view(d, fullUrls)),
        definitions.count(ScenarioDocument.class, name));
  }

  @PostMapping
  Mono<ResponseEntity<ScenarioView>> create(@Valid @RequestBody ScenarioRequest request) {
    if (request.schedule() != null) {
      Schedules.validate(request.schedule());
    }
    List<Notification> notifications = Notifications.documents(request.notifications(), null);
    Instant now = DefinitionStore.nextUpdate(null);
    return requests
        .checkReferences(request, notifications)
        .then(
            definitions.insert(
                ScenarioRequests.document(
                    new ObjectId().toHexString(), request, notifications, 0, now, now)))
        .flatMap(saved -> applySchedule(saved, request))
        .map(
            view ->
                ResponseEntity.created(URI.create("/api/v1/scenarios/" + view.id())).body(view));
  }

  @GetMapping("/{id}")
  Mono<ResponseEntity<ScenarioView>> get(@PathVariable String id, ServerWebExchange exchange) {
    boolean fullUrls = fullUrls(exchange);
    return definitions
        .get(ScenarioDocument.class, id, WHAT)
        .flatMap(scenario -> tagged(scenario, fullUrls));
  }

  /**
   * Whether the caller sees webhook URLs whole: operators and admins may edit the scenario and send
   * the URL back on {@code PUT}; viewers see it redacted (docs/security.md).
   */
  private static boolean fullUrls(ServerWebExchange exchange) {
    return WebhookUrls.shownWhole(CtaPrincipal.of(exchange).role());
  }

  private Mono<ResponseEntity<ScenarioView>> tagged(ScenarioDocument scenario, boolean fullUrls) {
    return view(scenario, fullUrls)
        .map(v -> ResponseEntity.ok().eTag(DefinitionStore.etag(scenario.updatedAt())).body(v));
  }

  @PutMapping("/{id}")
  Mono<ResponseEntity<ScenarioView>> update(
      @PathVariable String id,
      @Valid @RequestBody ScenarioRequest request,
      @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    if (request.schedule() != null) {
      Schedules.validate(request.schedule());
    }
    // Checked now; the edit below keeps the stored secrets a webhook is sent without.
    List<Notification> checked = Notifications.documents(request.notifications(), null);
    return requests
        .checkReferences(request, checked)
        .then(
            definitions.replace(
                ScenarioDocument.class,
                id,
                WHAT,
                ifMatch,
                ScenarioDocument::updatedAt,
                // A run between our read and write takes the next number: never lose it.
                old -> Map.of("lastNumber", old.lastNumber()),
                old ->
                    ScenarioRequests.document(
                        id,
                        request,
                        Notifications.documents(request.notifications(), old.notifications()),
                        old.lastNumber(),
                        old.createdAt(),
                        DefinitionStore.nextUpdate(old.updatedAt()))))
        .flatMap(saved -> applySchedule(saved, request).then(tagged(saved, true)));
  }

  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> delete(@PathVariable String id) {
    return definitions
        .get(ScenarioDocument.class, id, WHAT)
        .then(schedules.delete(id))
        .then(definitions.delete(ScenarioDocument.class, id, WHAT));
  }

  /**
   * Creates an execution and starts its workflow; answers at once with the pending execution. Its
   * {@code waiting} says why it may not start soon (e.g. the target machine is offline).
   */
  @ApiResponse(responseCode = "201", description = "The new execution, pending")
  @ApiResponse(
      responseCode = "409",
      description = "The concurrency limit is reached, or the suite or configuration is gone")
  @PostMapping("/{id}/run")
  Mono<ResponseEntity<ExecutionView>> run(
      @PathVariable String id,
      @Valid @RequestBody(required = false) RunRequest request,
      ServerWebExchange exchange) {
    RunRequest run = request == null ? new RunRequest(null, null) : request;
    return runner
        .run(
            id,
            new ScenarioRunner.Run(
                null,
                run.priority() == null ? 0 : run.priority(),
                run.reason(),
                CtaPrincipal.of(exchange).displayName(),
                0))
        .flatMap(views::view)
        .map(
            view ->
                ResponseEntity.created(URI.create("/api/v1/executions/" + view.id())).body(view));
  }

  /**
   * Sets the schedule given with the scenario, if any, and answers the scenario's view (to an
   * operator or admin, the only roles that may save one).
   */
  private Mono<ScenarioView> applySchedule(ScenarioDocument scenario, ScenarioRequest request) {
    if (request.schedule() == null) {
      return view(scenario, true);
    }
    return schedules
        .put(scenario.id(), request.schedule())
        .map(schedule -> ScenarioView.of(scenario, schedule, true));
  }

  private Mono<ScenarioView> view(ScenarioDocument scenario, boolean fullUrls) {
    return schedules
        .find(scenario.id())
        .map(schedule -> ScenarioView.of(scenario, schedule, fullUrls))
        .defaultIfEmpty(ScenarioView.of(scenario, null, fullUrls));
  }
}
