package io.cta.api.scenario;

import io.cta.api.execution.ExecutionView;
import io.cta.api.execution.ExecutionViews;
import io.cta.server.scenario.ScenarioRunner;
import io.cta.server.security.CtaPrincipal;
import io.cta.testrunner.junit.JUnitXml;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.net.URI;
import java.util.List;
import org.bson.types.ObjectId;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.multipart.PartEvent;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
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

  private final ScenarioRunner runner;
  private final ExecutionViews views;

  ImportController(ScenarioRunner runner, ExecutionViews views) {
    this.runner = runner;
    this.views = views;
  }

  /**
   * Stores the JUnit XML reports of the upload (multipart parts named {@code report}) as a new
   * execution of the scenario, already {@code finished}, with {@code source: "import"}: its results
   * join the test history, flakiness and the scenario's notifications like a run's.
   */
  @ApiResponse(responseCode = "201", description = "The new execution, finished")
  @ApiResponse(
      responseCode = "409",
      description = "The scenario's suite or configuration no longer exists")
  @ApiResponse(
      responseCode = "400",
      description =
          "A report is not readable JUnit XML (`detail` names it), holds no test case, or a part"
              + " is not named `report`; an unknown `test` or a bad `machine`")
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
      @RequestBody Flux<PartEvent> parts,
      ServerWebExchange exchange) {
    String executionId = new ObjectId().toHexString();
    String requestedBy = CtaPrincipal.of(exchange).displayName();
    return Mono.fromCallable(() -> JunitImport.machine(machine))
        .flatMap(
            machineName ->
                JunitImport.reports(parts)
                    .publishOn(Schedulers.boundedElastic()) // parsing: CPU work off the event loop
                    .map(
                        reports ->
                            new Parsed(machineName, names(reports), JunitImport.cases(reports))))
        .flatMap(
            parsed ->
                runner.imported(
                    id,
                    new ScenarioRunner.Run(
                        executionId, 0, "imported from " + parsed.names(), requestedBy, 0),
                    suite ->
                        JunitImport.results(
                            executionId,
                            JunitImport.test(suite, test),
                            parsed.machine(),
                            parsed.cases())))
        .flatMap(views::view)
        .map(
            view ->
                ResponseEntity.created(URI.create("/api/v1/executions/" + view.id())).body(view));
  }

  /** What the upload holds, read before anything is stored. */
  private record Parsed(String machine, String names, List<JUnitXml.Case> cases) {}

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
