package io.cta.cli.admin;

import static io.cta.cli.http.ApiClient.params;
import static io.cta.cli.http.ApiClient.query;
import static io.cta.cli.http.ApiClient.segment;

import io.cta.cli.ApiCommand;
import io.cta.cli.Cli;
import io.cta.cli.CliException;
import io.cta.cli.ExitCode;
import io.cta.cli.http.ApiClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cta machines list|drain|undrain|label}. */
@Command(
    name = "machines",
    description = "List machines, drain them and assign their labels.",
    subcommands = {
      MachinesCommand.ListMachines.class,
      MachinesCommand.Drain.class,
      MachinesCommand.Undrain.class,
      MachinesCommand.Label.class
    })
public final class MachinesCommand {

  static final List<io.cta.cli.output.Output.Column> COLUMNS =
      List.of(
          new io.cta.cli.output.Output.Column("NAME", "name"),
          new io.cta.cli.output.Output.Column("STATUS", "status"),
          new io.cta.cli.output.Output.Column("GROUPS", "groups"),
          new io.cta.cli.output.Output.Column("PROPERTIES", "properties"),
          new io.cta.cli.output.Output.Column("LAST SEEN", "lastSeenAt"));

  @Command(name = "list", description = "Machines, by name.")
  static final class ListMachines extends ApiCommand {
    @Option(names = "--group", paramLabel = "GROUP")
    String group;

    @Option(names = "--status", description = "online, busy, draining, offline")
    String status;

    @Option(names = "--property", paramLabel = "NAME=VALUE")
    String property;

    @Option(names = "--page", defaultValue = "0")
    int page;

    @Option(names = "--size", defaultValue = "100")
    int size;

    ListMachines(Cli cli) {
      super(cli);
    }

    @Override
    protected int run(ApiClient api) {
      printList(
          api.get(
              "/api/v1/machines"
                  + query(
                      params(
                          "group", group,
                          "status", status,
                          "property", property,
                          "page", page,
                          "size", size))),
          COLUMNS);
      return 0;
    }
  }

  @Command(name = "drain", description = "Let running tests end; start nothing new there.")
  static final class Drain extends ApiCommand {
    @Parameters(index = "0", paramLabel = "MACHINE")
    String name;

    Drain(Cli cli) {
      super(cli);
    }

    @Override
    protected int run(ApiClient api) {
      printOne(api.post("/api/v1/machines/" + segment(name) + "/drain", null), COLUMNS);
      return 0;
    }
  }

  @Command(name = "undrain", description = "Let the machine take work again.")
  static final class Undrain extends ApiCommand {
    @Parameters(index = "0", paramLabel = "MACHINE")
    String name;

    Undrain(Cli cli) {
      super(cli);
    }

    @Override
    protected int run(ApiClient api) {
      printOne(api.delete("/api/v1/machines/" + segment(name) + "/drain"), COLUMNS);
      return 0;
    }
  }

  @Command(
      name = "label",
      description = {
        "Assign labels (replacing those assigned before): NAME=VALUE properties, NAME- removes a"
            + " property; --group replaces the assigned groups."
      })
  static final class Label extends ApiCommand {
    @Parameters(index = "0", paramLabel = "MACHINE")
    String name;

    @Parameters(index = "1..*", paramLabel = "NAME=VALUE|NAME-")
    List<String> labels = new ArrayList<>();

    @Option(names = "--group", paramLabel = "GROUP", description = "Repeat for several.")
    List<String> groups;

    Label(Cli cli) {
      super(cli);
    }

    @Override
    protected int run(ApiClient api) {
      Map<String, Object> body = new LinkedHashMap<>();
      Map<String, String> properties = new LinkedHashMap<>();
      for (String label : labels) {
        int eq = label.indexOf('=');
        if (eq > 0) {
          properties.put(label.substring(0, eq), label.substring(eq + 1));
        } else if (label.endsWith("-") && label.length() > 1) {
          properties.put(label.substring(0, label.length() - 1), null);
        } else {
          throw new CliException(
              ExitCode.USAGE, "'" + label + "': expected NAME=VALUE or NAME- (to remove)");
        }
      }
      if (!labels.isEmpty()) {
        body.put("properties", properties);
      }
      if (groups != null) {
        body.put("groups", groups);
      }
      if (body.isEmpty()) {
        throw new CliException(ExitCode.USAGE, "give NAME=VALUE labels or --group");
      }
      printOne(api.patch("/api/v1/machines/" + segment(name), body), COLUMNS);
      return 0;
    }
  }
}
