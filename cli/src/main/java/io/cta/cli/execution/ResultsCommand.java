package io.cta.cli.execution;

import static io.cta.cli.http.ApiClient.params;
import static io.cta.cli.http.ApiClient.query;
import static io.cta.cli.http.ApiClient.segment;

import io.cta.cli.ApiCommand;
import io.cta.cli.Cli;
import io.cta.cli.http.ApiClient;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cta results EXEC [--status failed]}. */
@Command(name = "results", description = "An execution's results.")
public final class ResultsCommand extends ApiCommand {

  @Parameters(index = "0", paramLabel = "EXECUTION")
  String id;

  @Option(names = "--status", description = "ok, failed, partial or inconclusive")
  String status;

  @Option(names = "--machine", paramLabel = "NAME")
  String machine;

  ResultsCommand(Cli cli) {
    super(cli);
  }

  @Override
  protected int run(ApiClient api) {
    printList(
        api.get(
            "/api/v1/executions/"
                + segment(id)
                + "/results"
                + query(params("status", status, "machine", machine))),
        List.of(
            col("TEST", "testId"),
            col("CASE", "case"),
            col("STATUS", "status"),
            col("MACHINE", "machine"),
            col("ATTEMPT", "attempt"),
            col("MS", "durationMs"),
            col("MESSAGE", "message")));
    return 0;
  }
}
