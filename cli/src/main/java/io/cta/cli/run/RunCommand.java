package io.cta.cli.run;

import io.cta.cli.Cli;
import io.cta.cli.CliException;
import io.cta.cli.Durations;
import io.cta.cli.ExitCode;
import io.cta.cli.connection.ConnectionOptions;
import io.cta.cli.http.ApiClient;
import io.cta.cli.output.Format;
import io.cta.cli.output.Output;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code cta run SCENARIO}: starts an execution and, with {@code --wait}, follows it to its end.
 */
@Command(
    name = "run",
    description = {
      "Run a scenario (an id, or a name that matches exactly one scenario).",
      "With --wait, follow it and exit with its outcome: 0 ok, 1 failed, 3 partial or"
          + " inconclusive, 5 timed out, canceled or error."
    })
public final class RunCommand implements Callable<Integer> {

  /** What the table shows of an execution. */
  public static final List<Output.Column> COLUMNS =
      List.of(
          new Output.Column("ID", "id"),
          new Output.Column("#", "number"),
          new Output.Column("SCENARIO", "scenarioName"),
          new Output.Column("STATE", "state"),
          new Output.Column("RESULT", "result"),
          new Output.Column("OK", "counters.ok"),
          new Output.Column("FAILED", "counters.failed"),
          new Output.Column("PARTIAL", "counters.partial"),
          new Output.Column("INCONCLUSIVE", "counters.inconclusive"),
          new Output.Column("REASON", "reason"));

  private final Cli cli;

  @Mixin ConnectionOptions connection;

  @Parameters(index = "0", paramLabel = "SCENARIO", description = "Scenario id or exact name.")
  String scenario;

  @Option(names = "--wait", description = "Follow the execution until it ends.")
  boolean await;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "30m",
      converter = Durations.class,
      description =
          "With --wait: give up after this long (90s, 30m, 2h; default ${DEFAULT-VALUE}),"
              + " cancel the execution and exit 5.")
  Duration timeout;

  @Option(
      names = "--no-cancel",
      description = "On --timeout, leave the execution running instead of canceling it.")
  boolean noCancel;

  @Option(names = "--priority", paramLabel = "N", description = "0 to 100; higher runs first.")
  Integer priority;

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why it runs (shown with it).")
  String reason;

  @Option(
      names = "--progress",
      defaultValue = "auto",
      description =
          "auto: a redrawn line on a terminal, else one line per change; plain; none."
              + " Written to standard error.")
  Progress.Mode progress;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      description = "table, json or jsonl: the execution as it ended (or was started).")
  Format format;

  @Option(
      names = "--junit",
      paramLabel = "FILE",
      description = "With --wait: write the execution's JUnit XML report here when it ends.")
  Path junit;

  @Option(
      names = "--no-live",
      hidden = true,
      description = "Poll over REST instead of the WebSocket API.")
  boolean noLive;

  public RunCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() throws InterruptedException {
    Output.require(format, Format.table, Format.json, Format.jsonl);
    if (timeout.isZero() || timeout.isNegative()) {
      throw new CliException(ExitCode.USAGE, "--timeout: must be positive");
    }
    if (junit != null && !await) {
      throw new CliException(ExitCode.USAGE, "--junit needs --wait");
    }
    ApiClient api = new ApiClient(connection.resolve(cli));
    String scenarioId = Lookup.id(api, "scenarios", scenario, ExitCode.NOT_STARTED);
    Map<String, Object> body = new LinkedHashMap<>();
    if (priority != null) {
      body.put("priority", priority);
    }
    if (reason != null) {
      body.put("reason", reason);
    }
    JsonNode started = api.start("/api/v1/scenarios/" + scenarioId + "/run", body);
    String id = started.get("id").asString();
    if (!await) {
      Output.one(cli.out(), format, started, COLUMNS);
      return ExitCode.OK.code();
    }
    JsonNode ended;
    try (Progress shown = Progress.open(cli.err(), progress, cli.terminal())) {
      ended = new ExecutionWatcher(api, !noLive, cli.err()).await(id, timeout, shown::show);
    }
    if (ended == null) {
      return timedOut(api, id);
    }
    if (junit != null) {
      writeJunit(api, id);
    }
    Output.one(cli.out(), format, ended, COLUMNS);
    return ExitCode.ofExecution(
            ended.path("state").asString(),
            ended.path("result").isString() ? ended.get("result").asString() : null)
        .code();
  }

  private int timedOut(ApiClient api, String id) {
    String what = "execution " + id + " did not end within " + timeout;
    if (noCancel) {
      cli.err().println(what + "; left running (--no-cancel)");
    } else {
      api.post(
          "/api/v1/executions/" + id + "/cancel",
          Map.of("reason", "cta run --timeout " + timeout + " passed"));
      cli.err().println(what + "; canceled it");
    }
    return ExitCode.ENDED_BADLY.code();
  }

  private void writeJunit(ApiClient api, String id) {
    byte[] xml = api.bytes("/api/v1/executions/" + id + "/junit");
    try {
      Path parent = junit.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.write(junit, xml);
    } catch (IOException e) {
      throw new CliException(ExitCode.USAGE, "--junit: cannot write " + junit + ": " + e);
    }
  }
}
