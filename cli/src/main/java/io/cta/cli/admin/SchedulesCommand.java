package io.cta.cli.admin;

import io.cta.cli.ApiCommand;
import io.cta.cli.Cli;
import io.cta.cli.ExitCode;
import io.cta.cli.http.ApiClient;
import io.cta.cli.output.Output;
import io.cta.cli.run.Lookup;
import io.cta.cli.run.RunCommand;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cta schedules get|pause|resume|trigger SCENARIO}. */
@Command(
    name = "schedules",
    description = "A scenario's schedule: show, pause, resume, or fire it now.",
    subcommands = {
      SchedulesCommand.Get.class,
      SchedulesCommand.Pause.class,
      SchedulesCommand.Resume.class,
      SchedulesCommand.Trigger.class
    })
public final class SchedulesCommand {

  static final List<Output.Column> COLUMNS =
      List.of(
          new Output.Column("CRON", "cron"),
          new Output.Column("AT", "at"),
          new Output.Column("ZONE", "timeZone"),
          new Output.Column("PAUSED", "paused"),
          new Output.Column("NEXT", "nextFireAt"));

  abstract static class ScheduleCommand extends ApiCommand {
    @Parameters(index = "0", paramLabel = "SCENARIO", description = "Scenario id or exact name.")
    String scenario;

    ScheduleCommand(Cli cli) {
      super(cli);
    }

    String path(ApiClient api) {
      return "/api/v1/scenarios/"
          + Lookup.id(api, "scenarios", scenario, ExitCode.USAGE)
          + "/schedule";
    }
  }

  @Command(name = "get", description = "The schedule.")
  static final class Get extends ScheduleCommand {
    Get(Cli cli) {
      super(cli);
    }

    @Override
    protected int run(ApiClient api) {
      printOne(api.get(path(api)), COLUMNS);
      return 0;
    }
  }

  @Command(name = "pause", description = "Stop firing until resumed.")
  static final class Pause extends ScheduleCommand {
    Pause(Cli cli) {
      super(cli);
    }

    @Override
    protected int run(ApiClient api) {
      printOne(api.post(path(api) + "/pause", null), COLUMNS);
      return 0;
    }
  }

  @Command(name = "resume", description = "Fire again.")
  static final class Resume extends ScheduleCommand {
    Resume(Cli cli) {
      super(cli);
    }

    @Override
    protected int run(ApiClient api) {
      printOne(api.post(path(api) + "/resume", null), COLUMNS);
      return 0;
    }
  }

  @Command(name = "trigger", description = "Fire once now; prints the execution it started.")
  static final class Trigger extends ScheduleCommand {
    Trigger(Cli cli) {
      super(cli);
    }

    @Override
    protected int run(ApiClient api) {
      printOne(api.start(path(api) + "/trigger", null), RunCommand.COLUMNS);
      return 0;
    }
  }
}
