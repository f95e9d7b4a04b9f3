package io.cta.cli.connection;

import io.cta.cli.Cli;
import io.cta.cli.CliException;
import io.cta.cli.ExitCode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cta context add|use|list|remove}: named connections in the contexts file. */
@Command(
    name = "context",
    description = "Named connections (server and token) in ~/.config/cta/config.yaml.",
    subcommands = {
      ContextCommand.Add.class,
      ContextCommand.Use.class,
      ContextCommand.ListContexts.class,
      ContextCommand.Remove.class
    })
public final class ContextCommand {

  @Command(name = "add", description = "Add or replace a context and make it the current one.")
  static final class Add implements Callable<Integer> {
    private final Cli cli;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--server", required = true, paramLabel = "URL")
    String server;

    @Option(
        names = "--token-file",
        paramLabel = "FILE",
        description = "Read the token from this file at each call (stored as a path).")
    String tokenFile;

    @Option(
        names = "--token-stdin",
        description = "Read the token from standard input and store it in the file (0600).")
    boolean tokenStdin;

    Add(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() throws IOException {
      if (tokenFile != null && tokenStdin) {
        throw new CliException(
            ExitCode.USAGE, "give either --token-file or --token-stdin, not both");
      }
      try {
        URI uri = URI.create(server);
        if (uri.getScheme() == null || uri.getHost() == null) {
          throw new IllegalArgumentException();
        }
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCode.USAGE, "--server: '" + server + "' is not a URL");
      }
      String token = null;
      if (tokenStdin) {
        token = new String(cli.in().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (token.isEmpty()) {
          throw new CliException(ExitCode.USAGE, "--token-stdin: standard input is empty");
        }
      }
      Contexts contexts = Contexts.of(cli);
      Contexts.Config config = contexts.read();
      Map<String, Contexts.Context> all = new TreeMap<>(config.contexts());
      String file =
          tokenFile == null ? null : java.nio.file.Path.of(tokenFile).toAbsolutePath().toString();
      all.put(name, new Contexts.Context(server, token, file));
      contexts.write(new Contexts.Config(name, all));
      cli.err().println("context '" + name + "' added and in use (" + contexts.file() + ")");
      return 0;
    }
  }

  @Command(name = "use", description = "Make a context the current one.")
  static final class Use implements Callable<Integer> {
    private final Cli cli;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    Use(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      Contexts contexts = Contexts.of(cli);
      Contexts.Config config = contexts.read();
      if (!config.contexts().containsKey(name)) {
        throw new CliException(ExitCode.USAGE, "no context named '" + name + "'");
      }
      contexts.write(new Contexts.Config(name, config.contexts()));
      return 0;
    }
  }

  @Command(name = "list", description = "List contexts; the current one is marked *.")
  static final class ListContexts implements Callable<Integer> {
    private final Cli cli;

    ListContexts(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      Contexts.Config config = Contexts.of(cli).read();
      config
          .contexts()
          .forEach(
              (name, c) ->
                  cli.out()
                      .println(
                          (name.equals(config.current()) ? "* " : "  ")
                              + name
                              + "\t"
                              + c.server()
                              + "\t"
                              + (c.token() != null
                                  ? "token stored"
                                  : c.tokenFile() != null
                                      ? "token file " + c.tokenFile()
                                      : "token from CTA_TOKEN")));
      return 0;
    }
  }

  @Command(name = "remove", description = "Remove a context.")
  static final class Remove implements Callable<Integer> {
    private final Cli cli;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    Remove(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      Contexts contexts = Contexts.of(cli);
      Contexts.Config config = contexts.read();
      Map<String, Contexts.Context> all = new TreeMap<>(config.contexts());
      if (all.remove(name) == null) {
        throw new CliException(ExitCode.USAGE, "no context named '" + name + "'");
      }
      contexts.write(
          new Contexts.Config(name.equals(config.current()) ? null : config.current(), all));
      return 0;
    }
  }
}
