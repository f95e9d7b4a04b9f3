package io.cta.cli.definition;

import io.cta.cli.Cli;
import io.cta.cli.ExitCode;
import io.cta.cli.connection.ConnectionOptions;
import io.cta.cli.http.ApiClient;
import io.cta.cli.output.Format;
import io.cta.cli.output.Output;
import io.cta.cli.run.Lookup;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code cta get scenario|suite|configuration NAME}: the definition as a document {@code cta apply}
 * takes, with names instead of ids, so it applies unchanged on another installation.
 */
@Command(
    name = "get",
    description = "A suite, configuration or scenario as an apply document (names, not ids).")
public final class GetCommand implements Callable<Integer> {

  private final Cli cli;

  @Mixin ConnectionOptions connection;

  @Parameters(index = "0", paramLabel = "KIND", description = "suite, configuration or scenario")
  String kind;

  @Parameters(index = "1", paramLabel = "NAME", description = "Its id or exact name.")
  String name;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "yaml",
      description = "yaml (default) or json.")
  Format format;

  GetCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    Output.require(format, Format.yaml, Format.json);
    Kind k = Kind.of(kind, "KIND");
    ApiClient api = new ApiClient(connection.resolve(cli));
    String id = Lookup.id(api, k.collection, name, ExitCode.USAGE);
    JsonNode view = api.get("/api/v1/" + k.collection + "/" + id);
    ObjectNode doc = ApplyCommand.YAML.createObjectNode();
    doc.put("kind", k.name());
    doc.set("name", view.get("name"));
    if (k == Kind.Scenario) {
      doc.set("suite", api.get("/api/v1/suites/" + view.get("testSuiteId").asString()).get("name"));
      doc.set(
          "configuration",
          api.get("/api/v1/configurations/" + view.get("configurationId").asString()).get("name"));
    }
    for (String field : k.fields) {
      JsonNode value = view.get(field);
      if (field.equals("name") || value == null || value.isNull()) {
        continue;
      }
      if (field.equals("schedule")) {
        ObjectNode schedule = doc.putObject("schedule");
        for (String f : Kind.SCHEDULE_FIELDS) {
          if (value.hasNonNull(f)) {
            schedule.set(f, value.get(f));
          }
        }
      } else if (field.equals("notifications")) {
        // A webhook's secret is write-only: the view says only whether one is set.
        value.forEach(n -> ((ObjectNode) n).remove("secretSet"));
        doc.set(field, value);
      } else {
        doc.set(field, value);
      }
    }
    Output.one(cli.out(), format, doc, java.util.List.of());
    return 0;
  }
}
