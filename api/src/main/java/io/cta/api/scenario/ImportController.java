package io.cta.api.scenario;

import io.cta.api.execution.ExecutionView;
import io.cta.api.execution.ExecutionViews;
import io.cta.server.definition.SuiteDocument;
import io.cta.server.execution.ResultDocument;
import io.cta.server.scenario.ScenarioImports;
import io.cta.server.scenario.ScenarioRunner;
import io.cta.server.security.CtaPrincipal;
import io.cta.testrunner.junit.JUnitXml;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.net.URI;
import java.util.List;
import java.util.function.BiFunction;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.multipart.PartEvent;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Results produced elsewhere (a CI job that CTA did not run) stored as an execution of a scenario:
 * docs/results.md#imported-executions, docs/api.md#imports.
 */
@RestController
@RequestMapping(path = "/api/v1/scenarios", produces = MediaType.APPLICATION_JSON_VALUE)
class ImportController {

  private final ScenarioImports imports;
  private final ExecutionViews views;

  ImportController(ScenarioImports imports, ExecutionViews views) {
    this.imports = imports;
    this.views = views;
  }

  /**
   * Stores the JUnit XML reports of the upload (multipart parts named {@code report}) as a new
   * execution of the scenario, already {@code finished}, with {@code source: "import"}: its results
   * join the test history, flakiness and the scenario's notifications like a run's. With an {@code
   * Idempotency-Key}, the same upload sent again answers the execution the first one stored.
   */
  @ApiResponse(
      responseCode = "201",
      description =
          "The new execution, finished; or, for a key already used with the same upload, the"
              + " execution that upload stored (with `Idempotent-Replayed: true`)")
  @ApiResponse(
      responseCode = "409",
      description =
          "The scenario's suite or configuration no longer exists; or the `Idempotency-Key` was"
              + " used with other reports (`detail` names the key)")
  @ApiResponse(
      responseCode = "400",
      description =
          "A report is not readable JUnit XML (`detail` names it), holds no test case, or a part"
              + " is not named `report`; an unknown `test`, a bad `machine` or `Idempotency-Key`")
  @ApiResponse(
      responseCode = "413",
      description = "Over 16 MB of reports, or more than 10,000 test cases")
  @ApiResponse(responseCode = "415", description = "The body is not `multipart/form-data`")
  @PostMapping(path = "/{id}/imports", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
  Mono<ResponseEntity<ExecutionView>> importJunit(
      @PathVariable String id,
      @Parameter(description = "The machine recorded on the results (default `import`)")
          @RequestParam(required = false)
          String machine,
      @Parameter(
              description =
                  "The id of the suite's test the results belong to; needed when the suite has"
                      + " more than one test")
          @RequestParam(required = false)
          String test,
      @Parameter(
              description =
                  "A client-chosen key (1 to 255 visible ASCII characters, a UUID say), the same"
                      + " on each retry of one upload: a retry after a lost answer gets the"
                      + " execution the first request stored instead of a second one. Keys are"
                      + " per scenario and kept as long as that execution.")
          @RequestHeader(name = IDEMPOTENCY_KEY, required = false)
          String idempotencyKey,
      @RequestBody Flux<PartEvent> parts,
      ServerWebExchange exchange) {
    String requestedBy = CtaPrincipal.of(exchange).displayName();
    return Mono.fromCallable(
            () ->
                new Checked(
                    JunitImport.machine(machine), JunitImport.idempotencyKey(idempotencyKey)))
        .flatMap(
            checked ->
                JunitImport.reports(parts)
                    .publishOn(Schedulers.boundedElastic()) // parsing: CPU work off the event loop
                    .map(
                        reports ->
                            new ScenarioImports.Upload(
                                checked.key(),
                                checked.key() == null
                                    ? null
                                    : JunitImport.fingerprint(machine, test, reports),
                                executionId ->
                                    new ScenarioRunner.Run(
                                        executionId,
                                        0,
                                        "imported from " + names(reports),
                                        requestedBy,
                                        0),
                                cases(checked.machine(), test, JunitImport.cases(reports)))))
        .flatMap(upload -> imports.importResults(id, upload))
        .flatMap(
            imported ->
                views
                    .view(imported.execution())
                    .map(
                        view -> {
                          ResponseEntity.BodyBuilder created =
                              ResponseEntity.created(URI.create("/api/v1/executions/" + view.id()));
                          if (imported.replayed()) {
                            created.header(REPLAYED, "true");
                          }
                          return created.body(view);
                        }));
  }

  /** The header that makes an upload safe to retry (docs/api.md#imports). */
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  /** Set on the answer of a retry that got the execution an earlier request stored. */
  static final String REPLAYED = "Idempotent-Replayed";

  /** The request's own settings, checked before its body is read. */
  private record Checked(String machine, String key) {}

  /** The cases as the results of the execution with the given id, given the scenario's suite. */
  private static BiFunction<String, SuiteDocument, List<ResultDocument>> cases(
      String machine, String test, List<JUnitXml.Case> cases) {
    return (executionId, suite) ->
        JunitImport.results(executionId, JunitImport.test(suite, test), machine, cases);
  }

  /** The reports' file names for the request reason, at most a few hundred characters. */
  private static String names(List<JunitImport.Report> reports) {
    String names =
        String.join(
            ", ",
            reports.stream()
                .map(r -> r.filename() == null || r.filename().isBlank() ? "report" : r.filename())
                .toList());
    names = reports.size() + (reports.size() == 1 ? " JUnit report: " : " JUnit reports: ") + names;
    return names.length() <= 300 ? names : names.substring(0, 300) + "…";
  }
}
