package io.cta.workflows.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cta.activities.schedule.ScheduleSpec;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FireTimesTest {

  private static ScheduleSpec cron(String cron, String zone) {
    return new ScheduleSpec(cron, zone, null, null, 0);
  }

  private static long at(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }

  private static List<Instant> next(ScheduleSpec spec, String after, int count) {
    return FireTimes.next(spec, at(after), count).stream().map(Instant::ofEpochMilli).toList();
  }

  @Test
  void givenFiveAndSixFieldCrons_whenComputing_thenMinutesAndSecondsAreHonoured() {
    assertEquals(
        List.of(Instant.parse("2026-01-01T00:15:00Z"), Instant.parse("2026-01-01T00:30:00Z")),
        next(cron("*/15 * * * *", null), "2026-01-01T00:00:00Z", 2));
    assertEquals(
        List.of(Instant.parse("2026-01-01T00:00:10Z"), Instant.parse("2026-01-01T00:00:20Z")),
        next(cron("*/10 * * * * *", null), "2026-01-01T00:00:00Z", 2));
  }

  @Test
  void givenAFireTimeInTheSpringForwardGap_whenComputing_thenThatDayIsSkipped() {
    // Europe/Paris skips 02:00-03:00 on 2026-03-29.
    assertEquals(
        List.of(Instant.parse("2026-03-28T01:30:00Z"), Instant.parse("2026-03-30T00:30:00Z")),
        next(cron("30 2 * * *", "Europe/Paris"), "2026-03-27T12:00:00Z", 2));
  }

  @Test
  void givenAFireTimeInTheFallBackOverlap_whenComputing_thenItFiresOnce() {
    // Europe/Paris repeats 02:00-03:00 on 2026-10-25.
    List<Instant> fires = next(cron("30 2 * * *", "Europe/Paris"), "2026-10-24T12:00:00Z", 2);
    assertEquals(Instant.parse("2026-10-25T00:30:00Z"), fires.get(0));
    assertEquals(Instant.parse("2026-10-26T01:30:00Z"), fires.get(1));
  }

  @Test
  void givenTheThirtyFirst_whenComputing_thenShortMonthsAreSkipped() {
    assertEquals(
        List.of(
            Instant.parse("2026-01-31T06:00:00Z"),
            Instant.parse("2026-03-31T06:00:00Z"),
            Instant.parse("2026-05-31T06:00:00Z")),
        next(cron("0 6 31 * *", "UTC"), "2026-01-01T00:00:00Z", 3));
  }

  @Test
  void givenALastDayOfFebruaryInALeapYear_whenComputing_thenTheTwentyNinthFires() {
    assertEquals(
        List.of(Instant.parse("2028-02-29T00:00:00Z")),
        next(cron("0 0 29 2 *", "UTC"), "2026-03-01T00:00:00Z", 1));
  }

  @Test
  void givenAFixedInstant_whenComputing_thenItFiresOnceAndPastOnesAreRejected() {
    long now = at("2026-06-01T00:00:00Z");
    ScheduleSpec future = new ScheduleSpec(null, null, now + 60_000, null, 0);
    assertEquals(List.of(now + 60_000), FireTimes.next(future, now, 5));
    assertNull(FireTimes.problem(future, now));
    ScheduleSpec past = new ScheduleSpec(null, null, now - 1, null, 0);
    assertEquals("schedule.at: must be in the future", FireTimes.problem(past, now));
  }

  @Test
  void givenBadSchedules_whenValidating_thenTheProblemNamesTheField() {
    long now = at("2026-06-01T00:00:00Z");
    assertTrue(FireTimes.problem(cron("61 * * * *", null), now).startsWith("schedule.cron: "));
    assertTrue(FireTimes.problem(cron("* * *", null), now).contains("expected 5 fields"));
    assertTrue(
        FireTimes.problem(cron("0 * * * *", "Mars/Olympus"), now)
            .startsWith("schedule.timeZone: "));
    assertEquals(
        "schedule: give either cron (with an optional timeZone) or at",
        FireTimes.problem(new ScheduleSpec("0 * * * *", null, now + 1000, null, 0), now));
    assertNull(FireTimes.problem(cron("0 9 * * 1-5", "America/New_York"), now));
  }
}
