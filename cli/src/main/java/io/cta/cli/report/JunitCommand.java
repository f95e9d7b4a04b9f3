package io.cta.cli.report;

import static io.cta.cli.http.ApiClient.params;
import static io.cta.cli.http.ApiClient.query;

import io.cta.cli.Cli;
import io.cta.cli.CliException;
import io.cta.cli.ExitCode;
import io.cta.cli.connection.ConnectionOptions;
import io.cta.cli.http.ApiClient;
import io.cta.cli.output.Format;
import io.cta.cli.output.Output;
import io.cta.cli.run.Lookup;
import io.cta.cli.run.RunCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code cta report junit FILE… --scenario NAME}: uploads JUnit XML that a CI job wrote (CTA did
 * not run it) as one finished execution of the scenario, and exits with its outcome as {@code cta
 * run --wait} does (docs/cli.md, "Results from elsewhere").
 */
@Command(
    name = "junit",
    description = {
      "Upload JUnit XML reports produced elsewhere as one finished execution of a scenario;"
          + " their cases join its test history, flakiness and notifications.",
      "Exits with the execution's outcome: 0 ok, 1 failed, 3 partial or inconclusive."
    })
public final class JunitCommand implements Callable<Integer> {

  private final Cli cli;

  @Mixin ConnectionOptions connection;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "JUnit XML reports.")
  List<Path> files;

  @Option(
      names = "--scenario",
      required = true,
      paramLabel = "SCENARIO",
      description = "Scenario id or exact name.")
  String scenario;

  @Option(
      names = "--machine",
      paramLabel = "NAME",
      description = "The machine recorded on the results (default: import).")
  String machine;

  @Option(
      names = "--test",
      paramLabel = "ID",
      description = "The suite's test the results belong to; needed when it has several.")
  String test;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      description = "table, json or jsonl: the execution stored.")
  Format format;

  JunitCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    Output.require(format, Format.table, Format.json, Format.jsonl);
    for (Path file : files) {
      if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
        throw new CliException(ExitCode.USAGE, file + ": not a readable file");
      }
    }
    ApiClient api = new ApiClient(connection.resolve(cli));
    String scenarioId = Lookup.id(api, "scenarios", scenario, ExitCode.NOT_STARTED);
    JsonNode stored =
        api.upload(
            "/api/v1/scenarios/"
                + scenarioId
                + "/imports"
                + query(params("machine", machine, "test", test)),
            "report",
            files);
    Output.one(cli.out(), format, stored, RunCommand.COLUMNS);
    return ExitCode.ofExecution(
            stored.path("state").asString(),
            stored.path("result").isString() ? stored.get("result").asString() : null)
        .code();
  }
}
