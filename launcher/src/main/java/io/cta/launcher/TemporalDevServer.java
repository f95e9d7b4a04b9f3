package io.cta.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Temporal's real server for the embedded stack: {@code temporal server start-dev} of Temporal's
 * CLI, with its SQLite database in a file, so workflows survive a restart of the server, and its
 * Web UI (docs/operations.md, "The embedded default on Temporal's dev server").
 *
 * @param binary the {@code temporal} executable
 * @param database the SQLite file of Temporal's state
 * @param uiPort the Temporal Web UI's port, on 127.0.0.1
 */
public record TemporalDevServer(Path binary, Path database, int uiPort) {

  /** The CLI version CTA is tested with; {@code .ci/temporal-cli.version} pins the same. */
  public static final String CLI_VERSION = "v1.5.1";

  public static final int DEFAULT_UI_PORT = 8233;

  /** Said when {@code --temporal dev} is asked for and no binary is found. */
  public static final String HOW_TO_GET_IT =
      "no 'temporal' binary found (looked at CTA_TEMPORAL_BIN, the PATH and ~/go/bin). Install"
          + " Temporal's CLI with: go install github.com/temporalio/cli/cmd/temporal@"
          + CLI_VERSION
          + " (or take it from Temporal's releases, https://github.com/temporalio/cli/releases),"
          + " or start without --temporal dev to use the embedded Java test server. See README.md.";

  /**
   * Where the binary is: {@code CTA_TEMPORAL_BIN}, else {@code temporal} on the PATH, else {@code
   * ~/go/bin/temporal} (where {@code go install} puts it); null when none is an executable file.
   */
  public static Path findBinary(Map<String, String> env) {
    List<Path> candidates = new ArrayList<>();
    String given = env.get("CTA_TEMPORAL_BIN");
    if (given != null && !given.isBlank()) {
      // An explicit choice is the only candidate: a wrong path must not fall back silently.
      Path path = Path.of(given.strip());
      return Files.isRegularFile(path) && Files.isExecutable(path) ? path : null;
    }
    String pathVariable = env.getOrDefault("PATH", "");
    for (String dir : pathVariable.split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty()) {
        candidates.add(Path.of(dir, "temporal"));
      }
    }
    String goPath = env.get("GOPATH");
    if (goPath != null && !goPath.isBlank()) {
      candidates.add(Path.of(goPath.strip(), "bin", "temporal"));
    }
    candidates.add(Path.of(System.getProperty("user.home"), "go", "bin", "temporal"));
    for (Path candidate : candidates) {
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate.toAbsolutePath();
      }
    }
    return null;
  }

  /**
   * The command line: everything on 127.0.0.1. The namespace {@code default} exists in every dev
   * server; CTA registers no search attributes. The HTTP API and metrics ports stay random. Errors
   * only: at level warn the server logs a line for every poll of the agents, whose long polls are
   * shorter than its "critical" long-poll timeout on purpose (docs/agent.md, "Slots"), and the log
   * would grow without bound.
   */
  public List<String> command(int grpcPort) {
    return List.of(
        binary.toString(),
        "server",
        "start-dev",
        "--ip",
        "127.0.0.1",
        "--port",
        String.valueOf(grpcPort),
        "--ui-ip",
        "127.0.0.1",
        "--ui-port",
        String.valueOf(uiPort),
        "--db-filename",
        database.toString(),
        "--log-level",
        "error");
  }

  /** The Web UI's address, also given to the api as {@code cta.temporal.ui-url}. */
  public String uiUrl() {
    return "http://127.0.0.1:" + uiPort;
  }
}
