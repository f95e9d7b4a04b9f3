package io.cta.cli.definition;

import io.cta.cli.CliException;
import io.cta.cli.ExitCode;
import java.util.List;
import java.util.Locale;

/**
 * The definitions {@code cta apply} and {@code cta get} handle, in the order apply writes them (a
 * scenario names a suite and a configuration, which must exist first), with the fields of their
 * REST request bodies (docs/api.md): {@code get} writes only those, so its output applies.
 */
enum Kind {
  Suite("suites", List.of("name", "description", "tests")),
  Configuration("configurations", List.of("name", "runMode", "type", "target", "includeOffline")),
  Scenario(
      "scenarios",
      List.of(
          "name",
          "description",
          "pendingTimeout",
          "runningTimeout",
          "retries",
          "concurrency",
          "schedule",
          "notifications",
          "retention"));

  /** The fields of a schedule's request body; its view adds state, next fires and events. */
  static final List<String> SCHEDULE_FIELDS =
      List.of("cron", "timeZone", "at", "overlap", "catchUpWindow");

  final String collection;
  final List<String> fields;

  Kind(String collection, List<String> fields) {
    this.collection = collection;
    this.fields = fields;
  }

  String lower() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Kind of(String text, String where) {
    for (Kind k : values()) {
      if (k.name().equalsIgnoreCase(text == null ? "" : text)) {
        return k;
      }
    }
    throw new CliException(
        ExitCode.USAGE,
        where + ": kind must be Suite, Configuration or Scenario, not '" + text + "'");
  }
}
