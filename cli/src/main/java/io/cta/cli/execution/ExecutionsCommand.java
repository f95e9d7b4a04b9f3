package io.cta.cli.execution;

import static io.cta.cli.http.ApiClient.params;
import static io.cta.cli.http.ApiClient.query;
import static io.cta.cli.http.ApiClient.segment;

import io.cta.cli.ApiCommand;
import io.cta.cli.Cli;
import io.cta.cli.ExitCode;
import io.cta.cli.http.ApiClient;
import io.cta.cli.run.Lookup;
import io.cta.cli.run.RunCommand;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cta executions list|get|cancel|rerun}. */
@Command(
    name = "executions",
    description = "List, show, cancel and re-run executions.",
    subcommands = {
      ExecutionsCommand.ListExecutions.class,
      ExecutionsCommand.Get.class,
      ExecutionsCommand.Cancel.class,
      ExecutionsCommand.Rerun.class
    })
public final class ExecutionsCommand {

  @Command(name = "list", description = "Executions, newest first.")
  static final class ListExecutions extends ApiCommand {
    @Option(names = "--scenario", paramLabel = "SCENARIO", description = "Id or exact name.")
    String scenario;

    @Option(names = "--state", description = "pending, running, finished, canceled, timeout, error")
    String state;

    @Option(names = "--result", description = "ok, failed, partial, inconclusive")
    String result;

    @Option(names = "--machine", paramLabel = "NAME")
    String machine;

    @Option(names = "--page", defaultValue = "0")
    int page;

    @Option(names = "--size", defaultValue = "20")
    int size;

    ListExecutions(Cli cli) {
      super(cli);
    }

    @Override
    protected int run(ApiClient api) {
      String scenarioId =
          scenario == null ? null : Lookup.id(api, "scenarios", scenario, ExitCode.USAGE);
      printList(
          api.get(
              "/api/v1/executions"
                  + query(
                      params(
                          "scenarioId", scenarioId,
                          "state", state,
                          "result", result,
                          "machine", machine,
                          "page", page,
                          "size", size,
                          "sort", "requestedAt,desc"))),
          RunCommand.COLUMNS);
      return 0;
    }
  }

  @Command(name = "get", description = "One execution.")
  static final class Get extends ApiCommand {
    @Parameters(index = "0", paramLabel = "EXECUTION")
    String id;

    Get(Cli cli) {
      super(cli);
    }

    @Override
    protected int run(ApiClient api) {
      printOne(api.get("/api/v1/executions/" + segment(id)), RunCommand.COLUMNS);
      return 0;
    }
  }

  @Command(name = "cancel", description = "Cancel a pending or running execution.")
  static final class Cancel extends ApiCommand {
    @Parameters(index = "0", paramLabel = "EXECUTION")
    String id;

    @Option(names = "--reason", paramLabel = "TEXT")
    String reason;

    Cancel(Cli cli) {
      super(cli);
    }

    @Override
    protected int run(ApiClient api) {
      Map<String, Object> body = new LinkedHashMap<>();
      if (reason != null) {
        body.put("reason", reason);
      }
      printOne(api.post("/api/v1/executions/" + segment(id) + "/cancel", body), RunCommand.COLUMNS);
      return 0;
    }
  }

  @Command(name = "rerun", description = "Run an ended execution again, or only what failed.")
  static final class Rerun extends ApiCommand {
    @Parameters(index = "0", paramLabel = "EXECUTION")
    String id;

    @Option(names = "--only-failed", description = "Only the tests that did not end ok.")
    boolean onlyFailed;

    @Option(names = "--reason", paramLabel = "TEXT")
    String reason;

    Rerun(Cli cli) {
      super(cli);
    }

    @Override
    protected int run(ApiClient api) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("onlyFailed", onlyFailed);
      if (reason != null) {
        body.put("reason", reason);
      }
      printOne(api.start("/api/v1/executions/" + segment(id) + "/rerun", body), RunCommand.COLUMNS);
      return 0;
    }
  }
}
