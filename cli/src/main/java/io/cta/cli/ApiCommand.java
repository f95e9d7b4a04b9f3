package io.cta.cli;

import io.cta.cli.connection.ConnectionOptions;
import io.cta.cli.http.ApiClient;
import io.cta.cli.output.Format;
import io.cta.cli.output.Output;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** A command that calls the api and writes what it read as a table, JSON or JSON lines. */
public abstract class ApiCommand implements Callable<Integer> {

  protected final Cli cli;

  @Mixin protected ConnectionOptions connection;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      description = "table, json or jsonl.")
  protected Format format;

  protected ApiCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public final Integer call() throws Exception {
    Output.require(format, Format.table, Format.json, Format.jsonl);
    return run(new ApiClient(connection.resolve(cli)));
  }

  protected abstract int run(ApiClient api) throws Exception;

  protected void printList(JsonNode answer, List<Output.Column> columns) {
    Output.list(cli.out(), format, answer, columns);
  }

  protected void printOne(JsonNode answer, List<Output.Column> columns) {
    Output.one(cli.out(), format, answer, columns);
  }

  protected static Output.Column col(String header, String path) {
    return new Output.Column(header, path);
  }
}
