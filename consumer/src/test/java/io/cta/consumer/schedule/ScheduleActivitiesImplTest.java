package io.cta.consumer.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.bwaldvogel.mongo.MongoServer;
import io.cta.activities.ExecutionState;
import io.cta.activities.schedule.FireRequest;
import io.cta.activities.schedule.FireResult;
import io.cta.activities.schedule.ScheduleSpec;
import io.cta.consumer.Fixtures;
import io.cta.server.definition.DefinitionStore;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.live.LiveFeedStore;
import io.cta.server.scenario.ScenarioRunner;
import io.cta.server.scenario.ScheduleStore;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Mono;

class ScheduleActivitiesImplTest {

  /** Every minute: any whole minute is a fire time. */
  private static final ScheduleSpec EVERY_MINUTE =
      new ScheduleSpec("* * * * *", "UTC", null, ScheduleSpec.Overlap.allow, 0);

  private static final long A_MINUTE = Instant.parse("2026-03-03T01:00:00Z").toEpochMilli();

  private static MongoServer mongoServer;

  private ScheduleStore schedules;
  private ScheduleActivitiesImpl activities;

  /** The scenarios the fire asked to run (the runner itself is ScenarioRunner's business). */
  private final List<String> runs = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startMongo() {
    mongoServer = Fixtures.mongoServer();
  }

  @AfterAll
  static void stopMongo() {
    mongoServer.shutdownNow();
  }

  @BeforeEach
  void setUp() {
    ReactiveMongoTemplate mongo = Fixtures.mongo(mongoServer);
    ExecutionStore executions = new ExecutionStore(mongo, new LiveFeedStore(mongo));
    schedules = new ScheduleStore(mongo);
    ScenarioRunner runner =
        new ScenarioRunner(new DefinitionStore(mongo), executions, null, null, null, null, null) {
          @Override
          public Mono<ExecutionDocument> run(String scenarioId, Run run) {
            runs.add(scenarioId);
            return Mono.just(Fixtures.execution(ExecutionState.pending, Instant.now(), 60_000));
          }
        };
    activities = new ScheduleActivitiesImpl(schedules, executions, runner);
  }

  private static FireRequest fire(String scenarioId, long at, String trigger) {
    return new FireRequest(scenarioId, at, trigger, ScheduleSpec.Overlap.allow, 0);
  }

  @Test
  void givenAScheduleWithItsFireTime_whenItFires_thenItStartsAnExecution() {
    schedules.put("s-runs", EVERY_MINUTE, Instant.now()).block();

    FireResult result = activities.fire(fire("s-runs", A_MINUTE, "schedule"));

    assertEquals(FireResult.Outcome.started, result.outcome());
    assertEquals(List.of("s-runs"), runs);
  }

  @Test
  void givenAScheduleWhosePauseSignalWasLost_whenItFires_thenNothingStartsAndTheWorkflowLearns() {
    schedules.put("s-paused", EVERY_MINUTE, Instant.now()).block();
    // Paused in MongoDB; the workflow never got the signal and fires on time.
    schedules.setPaused("s-paused", true, Instant.now()).block();

    FireResult timed = activities.fire(fire("s-paused", A_MINUTE, "schedule"));
    FireResult buffered = activities.fire(fire("s-paused", A_MINUTE + 7, "buffered"));

    assertEquals(FireResult.Outcome.notDue, timed.outcome());
    assertTrue(timed.paused(), "the workflow adopts the pause");
    assertEquals(FireResult.Outcome.notDue, buffered.outcome());
    assertEquals(List.of(), runs, "a paused schedule starts no execution");
    assertTrue(
        schedules.find("s-paused").block().events().isEmpty(),
        "fires during a pause are dropped, not recorded");
  }

  @Test
  void givenAPausedSchedule_whenAUserTriggersIt_thenItStillFires() {
    schedules.put("s-trigger", EVERY_MINUTE, Instant.now()).block();
    schedules.setPaused("s-trigger", true, Instant.now()).block();

    FireResult result = activities.fire(fire("s-trigger", A_MINUTE + 7, "trigger"));

    assertEquals(FireResult.Outcome.started, result.outcome());
  }

  @Test
  void givenAScheduleChangedWithoutSignal_whenTheOldFireTimeComes_thenNothingStartsAndTheNewSpec() {
    ScheduleSpec daily = new ScheduleSpec("0 3 * * *", "UTC", null, null, 0);
    schedules.put("s-changed", daily, Instant.now()).block();

    // 01:00 was a fire time of the old every-minute spec, not of the stored daily one.
    FireResult result = activities.fire(fire("s-changed", A_MINUTE, "catch-up"));

    assertEquals(FireResult.Outcome.notDue, result.outcome());
    assertEquals(daily, result.spec(), "the workflow adopts the stored spec");
    assertEquals(List.of(), runs);
  }
}
