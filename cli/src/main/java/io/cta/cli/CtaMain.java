package io.cta.cli;

import io.cta.cli.admin.MachinesCommand;
import io.cta.cli.admin.SchedulesCommand;
import io.cta.cli.admin.SecretsCommand;
import io.cta.cli.admin.TokensCommand;
import io.cta.cli.connection.ContextCommand;
import io.cta.cli.definition.ApplyCommand;
import io.cta.cli.definition.GetCommand;
import io.cta.cli.execution.ExecutionsCommand;
import io.cta.cli.execution.LogsCommand;
import io.cta.cli.execution.ResultsCommand;
import io.cta.cli.report.ReportCommand;
import io.cta.cli.run.RunCommand;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cta} command: parses arguments, runs one command, maps failures to exit codes. */
@Command(
    name = "cta",
    mixinStandardHelpOptions = true,
    // Every subcommand takes --help (and --version) too.
    scope = CommandLine.ScopeType.INHERIT,
    versionProvider = CtaMain.Version.class,
    description =
        "The CTA command-line client: run scenarios, follow them, look and act (docs/cli.md).",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every test ok (or the command succeeded)",
      "1:some test failed",
      "2:usage error, or a request the server refused as invalid (the field is named)",
      "3:partial or inconclusive results only",
      "4:no token, or authentication or permission refused",
      "5:the execution timed out, was canceled or ended in error (wins over 1 and 3)",
      "6:could not start: unknown scenario, concurrency limit, server unreachable, 429"
    },
    subcommands = {
      RunCommand.class,
      ReportCommand.class,
      ApplyCommand.class,
      GetCommand.class,
      ExecutionsCommand.class,
      LogsCommand.class,
      ResultsCommand.class,
      MachinesCommand.class,
      SchedulesCommand.class,
      TokensCommand.class,
      SecretsCommand.class,
      ContextCommand.class,
      AutoComplete.GenerateCompletion.class
    })
public final class CtaMain {

  public static void main(String[] args) {
    System.exit(execute(Cli.system(), args));
  }

  /** Runs one command line against these streams and environment; answers the exit code. */
  public static int execute(Cli cli, String... args) {
    return commandLine(cli).execute(args);
  }

  static CommandLine commandLine(Cli cli) {
    CommandLine cmd = new CommandLine(new CtaMain(), new Factory(cli));
    cmd.setOut(new PrintWriter(cli.out(), true));
    cmd.setErr(new PrintWriter(cli.err(), true));
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    cmd.setExitCodeExceptionMapper(
        e -> e instanceof CliException c ? c.exitCode().code() : ExitCode.USAGE.code());
    cmd.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine failed = ex.getCommandLine();
          failed.getErr().println("cta: " + ex.getMessage());
          failed.getErr().println("Try '" + failed.getCommandSpec().qualifiedName() + " --help'.");
          return ExitCode.USAGE.code();
        });
    cmd.setExecutionExceptionHandler(
        (ex, failed, parseResult) -> {
          if (ex instanceof CliException c) {
            failed.getErr().println("cta: " + c.getMessage());
            return c.exitCode().code();
          }
          failed.getErr().println("cta: unexpected error: " + ex);
          return ExitCode.ENDED_BADLY.code();
        });
    // The completion script is generated from these very commands: `cta completion`.
    cmd.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
    return cmd;
  }

  /** Creates commands, handing {@link Cli} to those that take it. */
  private record Factory(Cli cli) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      try {
        Constructor<K> withCli = type.getDeclaredConstructor(Cli.class);
        withCli.setAccessible(true);
        return withCli.newInstance(cli);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(type);
      }
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = CtaMain.class.getPackage().getImplementationVersion();
      return new String[] {"cta " + (v == null ? "development" : v)};
    }
  }
}
