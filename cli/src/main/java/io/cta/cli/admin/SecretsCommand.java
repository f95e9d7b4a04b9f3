package io.cta.cli.admin;

import static io.cta.cli.http.ApiClient.params;
import static io.cta.cli.http.ApiClient.query;
import static io.cta.cli.http.ApiClient.segment;

import io.cta.cli.ApiCommand;
import io.cta.cli.Cli;
import io.cta.cli.CliException;
import io.cta.cli.ExitCode;
import io.cta.cli.http.ApiClient;
import io.cta.cli.http.ApiError;
import io.cta.cli.output.Output;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cta secrets list|set|delete}. A value is read from standard input or a file, never from an
 * argument: arguments show in {@code ps} and shell history.
 */
@Command(
    name = "secrets",
    description = "The secret store: names and dates; values are write-only.",
    subcommands = {
      SecretsCommand.ListSecrets.class,
      SecretsCommand.Set.class,
      SecretsCommand.Delete.class
    })
public final class SecretsCommand {

  static final List<Output.Column> COLUMNS =
      List.of(
          new Output.Column("NAME", "name"),
          new Output.Column("CREATED", "createdAt"),
          new Output.Column("UPDATED", "updatedAt"));

  @Command(name = "list", description = "Secret names and dates.")
  static final class ListSecrets extends ApiCommand {
    @Option(names = "--page", defaultValue = "0")
    int page;

    @Option(names = "--size", defaultValue = "100")
    int size;

    ListSecrets(Cli cli) {
      super(cli);
    }

    @Override
    protected int run(ApiClient api) {
      printList(api.get("/api/v1/secrets" + query(params("page", page, "size", size))), COLUMNS);
      return 0;
    }
  }

  @Command(
      name = "set",
      description = "Create or rotate a secret; the value comes from --file or standard input.")
  static final class Set extends ApiCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--file", paramLabel = "FILE", description = "Read the value from this file.")
    Path file;

    Set(Cli cli) {
      super(cli);
    }

    @Override
    protected int run(ApiClient api) throws IOException {
      byte[] raw = file != null ? Files.readAllBytes(file) : cli.in().readAllBytes();
      String value = new String(raw, StandardCharsets.UTF_8);
      // A trailing newline from `echo` or an editor is never part of a password.
      value = value.endsWith("\r\n") ? value.substring(0, value.length() - 2) : value;
      value = value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
      if (value.isEmpty()) {
        throw new CliException(
            ExitCode.USAGE, "no value: pipe it on standard input or give --file");
      }
      try {
        printOne(api.put("/api/v1/secrets/" + segment(name), Map.of("value", value)), COLUMNS);
      } catch (ApiError e) {
        if (e.status() != 404) {
          throw e;
        }
        Map<String, String> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("value", value);
        printOne(api.post("/api/v1/secrets", body), COLUMNS);
      }
      return 0;
    }
  }

  @Command(name = "delete", description = "Delete a secret no suite references.")
  static final class Delete extends ApiCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    Delete(Cli cli) {
      super(cli);
    }

    @Override
    protected int run(ApiClient api) {
      api.delete("/api/v1/secrets/" + segment(name));
      cli.err().println("secret '" + name + "' deleted");
      return 0;
    }
  }
}
