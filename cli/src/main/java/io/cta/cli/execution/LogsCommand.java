package io.cta.cli.execution;

import static io.cta.cli.http.ApiClient.segment;

import io.cta.cli.ApiCommand;
import io.cta.cli.Cli;
import io.cta.cli.http.ApiClient;
import io.cta.cli.http.LiveFeed;
import io.cta.cli.output.Format;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code cta logs EXEC [-f]}: the output of an execution's stages. With {@code -f} it follows new
 * output until the execution ends; WebSocket notices make it read again at once, a poll catches the
 * rest.
 */
@Command(name = "logs", description = "An execution's output; -f follows it until it ends.")
public final class LogsCommand extends ApiCommand {

  private static final Duration POLL = Duration.ofSeconds(1);

  @Parameters(index = "0", paramLabel = "EXECUTION")
  String id;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing new output until it ends.")
  boolean follow;

  @Option(names = "--test", paramLabel = "TEST", description = "Only this test's output.")
  String test;

  @Option(names = "--machine", paramLabel = "NAME", description = "Only this machine's output.")
  String machine;

  private final Set<String> seen = new HashSet<>();

  LogsCommand(Cli cli) {
    super(cli);
  }

  @Override
  protected int run(ApiClient api) throws InterruptedException {
    String path = "/api/v1/executions/" + segment(id);
    if (!follow) {
      print(api.get(path + "/logs"));
      return 0;
    }
    BlockingQueue<String> notices = new LinkedBlockingQueue<>();
    // A refused feed is null: try-with-resources skips it, and the poll alone follows.
    try (LiveFeed feed =
        LiveFeed.open(
            api,
            "execution:" + id,
            notices,
            why -> cli.err().println("cta: live updates unavailable (" + why + "); polling"))) {
      while (true) {
        // Read the state first: output stored before it ended is then in the read that follows.
        String state = api.get(path).path("state").asString();
        print(api.get(path + "/logs"));
        if (!state.equals("pending") && !state.equals("running")) {
          return 0;
        }
        notices.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
        notices.clear();
      }
    }
  }

  private void print(JsonNode logs) {
    for (JsonNode chunk : logs.path("items")) {
      String key =
          chunk.path("machine").asString()
              + '\0'
              + chunk.path("testId").asString()
              + '\0'
              + chunk.path("attempt").asLong()
              + '\0'
              + chunk.path("stage").asString()
              + '\0'
              + chunk.path("stream").asString()
              + '\0'
              + chunk.path("seq").asLong();
      if (!seen.add(key)
          || (test != null && !test.equals(chunk.path("testId").asString()))
          || (machine != null && !machine.equals(chunk.path("machine").asString()))) {
        continue;
      }
      if (format == Format.table) {
        String text = chunk.path("text").asString();
        cli.out().print(text.endsWith("\n") ? text : text + "\n");
      } else {
        cli.out().println(ApiClient.JSON.writeValueAsString(chunk));
      }
    }
    cli.out().flush();
  }
}
