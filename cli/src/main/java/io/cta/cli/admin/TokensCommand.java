package io.cta.cli.admin;

import static io.cta.cli.http.ApiClient.params;
import static io.cta.cli.http.ApiClient.query;
import static io.cta.cli.http.ApiClient.segment;

import io.cta.cli.ApiCommand;
import io.cta.cli.Cli;
import io.cta.cli.http.ApiClient;
import io.cta.cli.output.Output;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cta tokens list|create|revoke} (admins). */
@Command(
    name = "tokens",
    description = "API tokens (admin role).",
    subcommands = {
      TokensCommand.ListTokens.class,
      TokensCommand.Create.class,
      TokensCommand.Revoke.class
    })
public final class TokensCommand {

  static final List<Output.Column> COLUMNS =
      List.of(
          new Output.Column("ID", "id"),
          new Output.Column("NAME", "name"),
          new Output.Column("ROLE", "role"),
          new Output.Column("MACHINE", "machine"),
          new Output.Column("CREATED", "createdAt"),
          new Output.Column("REVOKED", "revokedAt"));

  @Command(name = "list", description = "Tokens, without their secrets.")
  static final class ListTokens extends ApiCommand {
    @Option(names = "--page", defaultValue = "0")
    int page;

    @Option(names = "--size", defaultValue = "100")
    int size;

    ListTokens(Cli cli) {
      super(cli);
    }

    @Override
    protected int run(ApiClient api) {
      printList(api.get("/api/v1/tokens" + query(params("page", page, "size", size))), COLUMNS);
      return 0;
    }
  }

  @Command(
      name = "create",
      description =
          "Create a token. Its secret is shown once: on standard output alone (table), or as the"
              + " answer's token field (json).")
  static final class Create extends ApiCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(
        names = "--role",
        required = true,
        description = "viewer, operator, admin, agent or runner")
    String role;

    @Option(names = "--machine", paramLabel = "NAME", description = "Agent tokens: its machine.")
    String machine;

    Create(Cli cli) {
      super(cli);
    }

    @Override
    protected int run(ApiClient api) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", name);
      body.put("role", role);
      if (machine != null) {
        body.put("machine", machine);
      }
      var created = api.post("/api/v1/tokens", body);
      if (format == io.cta.cli.output.Format.table) {
        // The one place a token is printed: the new secret, asked for, to be stored by the caller.
        cli.err().println("token '" + name + "' created (" + created.path("id").asString() + ")");
        cli.out().println(created.path("token").asString());
      } else {
        printOne(created, COLUMNS);
      }
      return 0;
    }
  }

  @Command(name = "revoke", description = "Revoke a token by id.")
  static final class Revoke extends ApiCommand {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    Revoke(Cli cli) {
      super(cli);
    }

    @Override
    protected int run(ApiClient api) {
      api.delete("/api/v1/tokens/" + segment(id));
      cli.err().println("token " + id + " revoked");
      return 0;
    }
  }
}
