package io.cta.workflows.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.cta.activities.schedule.ScheduleSpec;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Next fire times of a schedule. A pure function of its inputs, so workflow code may call it (with
 * workflow time) and the api may call it to show upcoming fires. A fire time inside a DST gap is
 * skipped; one in a DST overlap fires once.
 */
public final class FireTimes {

  private static final CronParser UNIX =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  private static final CronParser WITH_SECONDS =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING53));

  private FireTimes() {}

  /** Why the spec is invalid, naming the field; null when it is valid. */
  public static String problem(ScheduleSpec spec, long now) {
    if ((spec.cron() == null) == (spec.at() == null)) {
      return "schedule: give either cron (with an optional timeZone) or at";
    }
    if (spec.isFixed()) {
      return spec.at() <= now ? "schedule.at: must be in the future" : null;
    }
    try {
      ZoneId.of(spec.timeZone());
    } catch (DateTimeException e) {
      return "schedule.timeZone: unknown time zone '" + spec.timeZone() + "'";
    }
    try {
      parse(spec.cron());
    } catch (IllegalArgumentException e) {
      return "schedule.cron: " + e.getMessage();
    }
    return null;
  }

  /** The first fire strictly after {@code afterMillis}, if any. */
  public static Optional<Long> next(ScheduleSpec spec, long afterMillis) {
    if (spec.isFixed()) {
      return spec.at() > afterMillis ? Optional.of(spec.at()) : Optional.empty();
    }
    ZonedDateTime after = Instant.ofEpochMilli(afterMillis).atZone(ZoneId.of(spec.timeZone()));
    return ExecutionTime.forCron(parse(spec.cron()))
        .nextExecution(after)
        .map(t -> t.toInstant().toEpochMilli());
  }

  /** Up to {@code count} fires after {@code afterMillis}. */
  public static List<Long> next(ScheduleSpec spec, long afterMillis, int count) {
    List<Long> times = new ArrayList<>();
    long cursor = afterMillis;
    while (times.size() < count) {
      Optional<Long> next = next(spec, cursor);
      if (next.isEmpty()) {
        break;
      }
      times.add(next.get());
      cursor = next.get();
    }
    return times;
  }

  private static Cron parse(String expression) {
    String trimmed = expression.trim();
    int fields = trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    return switch (fields) {
      case 5 -> UNIX.parse(trimmed).validate();
      case 6 -> WITH_SECONDS.parse(trimmed).validate();
      default ->
          throw new IllegalArgumentException(
              "expected 5 fields (minute first) or 6 (seconds first), got " + fields);
    };
  }
}
