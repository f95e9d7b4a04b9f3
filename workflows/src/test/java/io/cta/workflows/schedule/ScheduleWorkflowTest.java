package io.cta.workflows.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cta.activities.schedule.FireRequest;
import io.cta.activities.schedule.FireResult;
import io.cta.activities.schedule.ScheduleActivities;
import io.cta.activities.schedule.ScheduleSpec;
import io.cta.temporal.TaskQueues;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ScheduleWorkflowTest {

  @RegisterExtension
  static final TestWorkflowExtension workflows =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(ScheduleWorkflowImpl.class)
          // Ten seconds past a minute, so "how many minute boundaries in this sleep" is fixed.
          .setInitialTime(Instant.parse("2026-03-02T09:00:10Z"))
          .setDoNotStart(true)
          .build();

  private final List<FireRequest> fires = new CopyOnWriteArrayList<>();
  private final List<FireRequest> missed = new CopyOnWriteArrayList<>();

  /** Activities that record every call and answer with {@code outcome}. */
  private ScheduleActivities activities(Function<FireRequest, FireResult.Outcome> outcome) {
    return new ScheduleActivities() {
      @Override
      public FireResult fire(FireRequest request) {
        fires.add(request);
        return new FireResult(outcome.apply(request), "e" + fires.size(), null, null, false);
      }

      @Override
      public void recordMissed(FireRequest request) {
        missed.add(request);
      }
    };
  }

  private ScheduleWorkflow start(
      TestWorkflowEnvironment env,
      Worker worker,
      ScheduleSpec spec,
      long cursor,
      Function<FireRequest, FireResult.Outcome> outcome) {
    env.newWorker(TaskQueues.SERVER).registerActivitiesImplementations(activities(outcome));
    env.start();
    ScheduleWorkflow workflow = stub(env, worker);
    WorkflowClient.start(workflow::run, new ScheduleInput("sc1", spec, false, cursor, false));
    return workflow;
  }

  private static ScheduleWorkflow stub(TestWorkflowEnvironment env, Worker worker) {
    return env.getWorkflowClient()
        .newWorkflowStub(
            ScheduleWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(ScheduleWorkflow.workflowId("sc1"))
                .setTaskQueue(worker.getTaskQueue())
                .build());
  }

  private static ScheduleSpec everyMinute(ScheduleSpec.Overlap overlap) {
    return new ScheduleSpec("* * * * *", "UTC", null, overlap, 0);
  }

  /**
   * The environment skips time, but the fire activities run in real time on worker threads: wait
   * (bounded) until the ones due by now have been recorded before counting them.
   */
  private static void awaitCount(List<?> recorded, int count) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (recorded.size() < count && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "the condition did not hold within 30 s");
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Test
  void givenAMinutelyCron_whenThreeMinutesPass_thenItFiresAtEachMinuteExactly(
      TestWorkflowEnvironment env, Worker worker) {
    start(env, worker, everyMinute(null), 0, r -> FireResult.Outcome.started);

    env.sleep(Duration.ofMinutes(3));

    awaitCount(fires, 3);
    assertEquals(3, fires.size());
    for (FireRequest fire : fires) {
      assertEquals(0, fire.scheduledAt() % 60_000, "fires on the minute");
      assertEquals("schedule", fire.trigger());
    }
    assertEquals(60_000, fires.get(1).scheduledAt() - fires.get(0).scheduledAt());
    record(env, "schedule-minutely.json");
  }

  /** A replay fixture for WorkflowReplayTest, written with {@code -Dcta.recordHistories=true}. */
  private static void record(TestWorkflowEnvironment env, String file) {
    if (Boolean.getBoolean("cta.recordHistories")) {
      try {
        java.nio.file.Files.writeString(
            java.nio.file.Path.of("src/test/resources/histories", file),
            env.getWorkflowClient().fetchHistory(ScheduleWorkflow.workflowId("sc1")).toJson(true));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  @Test
  void givenMongoPausedAndThePauseSignalLost_whenTheFireSaysNotDue_thenTheWorkflowPausesItself(
      TestWorkflowEnvironment env, Worker worker) {
    ScheduleSpec spec = everyMinute(ScheduleSpec.Overlap.bufferOne);
    env.newWorker(TaskQueues.SERVER)
        .registerActivitiesImplementations(
            new ScheduleActivities() {
              @Override
              public FireResult fire(FireRequest request) {
                fires.add(request);
                return new FireResult(
                    FireResult.Outcome.notDue, null, "the schedule is paused", spec, true);
              }

              @Override
              public void recordMissed(FireRequest request) {
                missed.add(request);
              }
            });
    env.start();
    ScheduleWorkflow workflow = stub(env, worker);
    WorkflowClient.start(workflow::run, new ScheduleInput("sc1", spec, false, 0, false));

    env.sleep(Duration.ofMinutes(1));
    awaitCount(fires, 1);
    env.sleep(Duration.ofMinutes(5));

    assertEquals(1, fires.size(), "no fire after the one that learned of the pause");
    assertTrue(workflow.getState().paused());
    assertTrue(!workflow.getState().buffered(), "nothing waits to start");
  }

  @Test
  void givenAPausedSchedule_whenTimePasses_thenNothingFiresUntilResumed(
      TestWorkflowEnvironment env, Worker worker) {
    ScheduleWorkflow workflow =
        start(env, worker, everyMinute(null), 0, r -> FireResult.Outcome.started);
    workflow.pause();
    // The signal must be handled before time moves: a busy machine could otherwise let the test
    // server skip ahead while it is still on its way. A query right after the signal may be
    // answered before the workflow task that handles it, so wait for the state to say so.
    awaitTrue(() -> workflow.getState().paused());

    env.sleep(Duration.ofMinutes(5));
    assertEquals(0, fires.size());
    assertTrue(workflow.getState().paused());
    assertEquals(List.of(), workflow.getState().nextFires());

    workflow.resume();
    env.sleep(Duration.ofMinutes(2));
    awaitCount(fires, 2);
    assertEquals(2, fires.size());
  }

  @Test
  void givenAPauseInTheFirstWorkflowTask_whenTimePasses_thenItStaysPaused(
      TestWorkflowEnvironment env, Worker worker) {
    env.newWorker(TaskQueues.SERVER)
        .registerActivitiesImplementations(activities(r -> FireResult.Outcome.started));
    env.start();
    ScheduleWorkflow workflow = stub(env, worker);
    // Signal-with-start: the pause is in the same workflow task as the start, so the SDK runs its
    // handler before run() (as a pause sent right after the start does on a busy worker).
    BatchRequest request = env.getWorkflowClient().newSignalWithStartRequest();
    request.add(workflow::run, new ScheduleInput("sc1", everyMinute(null), false, 0, false));
    request.add(workflow::pause);
    env.getWorkflowClient().signalWithStart(request);
    awaitTrue(() -> workflow.getState().nextFires().isEmpty());

    env.sleep(Duration.ofMinutes(3));

    assertEquals(0, fires.size());
    assertTrue(workflow.getState().paused());
    record(env, "schedule-paused-at-start.json");
  }

  @Test
  void givenOverlapSkip_whenThePreviousStillRuns_thenTheFireIsSkippedAndNotBuffered(
      TestWorkflowEnvironment env, Worker worker) {
    ScheduleWorkflow workflow =
        start(
            env,
            worker,
            everyMinute(ScheduleSpec.Overlap.skip),
            0,
            r -> FireResult.Outcome.skipped);

    env.sleep(Duration.ofSeconds(90));

    awaitCount(fires, 1);
    assertEquals(1, fires.size());
    assertTrue(!workflow.getState().buffered());
  }

  @Test
  void givenOverlapBufferOne_whenThePreviousEnds_thenTheBufferedFireStartsThen(
      TestWorkflowEnvironment env, Worker worker) {
    List<String> answers = new CopyOnWriteArrayList<>(List.of("skipped", "skipped"));
    ScheduleWorkflow workflow =
        start(
            env,
            worker,
            new ScheduleSpec("0 * * * *", "UTC", null, ScheduleSpec.Overlap.bufferOne, 0),
            0,
            r ->
                answers.isEmpty()
                    ? FireResult.Outcome.started
                    : FireResult.Outcome.valueOf(answers.remove(0)));

    workflow.trigger();
    env.sleep(Duration.ofSeconds(25));

    awaitCount(fires, 3);
    assertEquals(3, fires.size(), "the trigger, then rechecks every 10 s until it starts");
    assertEquals("buffered", fires.get(2).trigger());
    assertTrue(!workflow.getState().buffered());
  }

  @Test
  void givenFiresMissedWithinTheCatchUpWindow_whenTheWorkflowResumes_thenTheLatestStartsOnce(
      TestWorkflowEnvironment env, Worker worker) {
    long now = env.currentTimeMillis();
    ScheduleSpec everyTwoMinutes = new ScheduleSpec("*/2 * * * *", "UTC", null, null, 0);

    start(env, worker, everyTwoMinutes, now - 9 * 60_000, r -> FireResult.Outcome.started);
    env.sleep(Duration.ofSeconds(1));

    awaitCount(fires, 1);
    assertEquals(1, fires.size());
    FireRequest fire = fires.get(0);
    assertEquals("catch-up", fire.trigger());
    assertTrue(fire.missed() >= 3, "the older fires are recorded as missed: " + fire.missed());
    assertTrue(now - fire.scheduledAt() < 2 * 60_000, "the latest due fire starts");
  }

  @Test
  void givenAFireLaterThanTheCatchUpWindow_whenTheWorkflowResumes_thenItIsRecordedMissed(
      TestWorkflowEnvironment env, Worker worker) {
    long now = env.currentTimeMillis();
    ScheduleSpec fixed = new ScheduleSpec(null, null, now - 20 * 60_000, null, 0);

    start(env, worker, fixed, now - 30 * 60_000, r -> FireResult.Outcome.started);
    env.sleep(Duration.ofSeconds(1));

    assertEquals(0, fires.size());
    awaitCount(missed, 1);
    assertEquals(1, missed.size());
    assertEquals(now - 20 * 60_000, missed.get(0).scheduledAt());
  }

  @Test
  void givenAFixedInstant_whenItFires_thenTheWorkflowEnds(
      TestWorkflowEnvironment env, Worker worker) {
    long now = env.currentTimeMillis();
    start(
        env,
        worker,
        new ScheduleSpec(null, null, now + 3_600_000, null, 0),
        0,
        r -> FireResult.Outcome.started);

    env.getWorkflowClient()
        .newUntypedWorkflowStub(ScheduleWorkflow.workflowId("sc1"))
        .getResult(Void.class);

    assertEquals(List.of(now + 3_600_000), fires.stream().map(FireRequest::scheduledAt).toList());
  }

  @Test
  void givenADeletedScenario_whenItFires_thenTheScheduleEnds(
      TestWorkflowEnvironment env, Worker worker) {
    start(env, worker, everyMinute(null), 0, r -> FireResult.Outcome.gone);

    env.getWorkflowClient()
        .newUntypedWorkflowStub(ScheduleWorkflow.workflowId("sc1"))
        .getResult(Void.class);

    assertEquals(1, fires.size());
  }

  @Test
  void givenAChangedSchedule_whenUpdated_thenNewFireTimesApplyFromNow(
      TestWorkflowEnvironment env, Worker worker) {
    ScheduleWorkflow workflow =
        start(
            env,
            worker,
            new ScheduleSpec("0 0 1 1 *", "UTC", null, null, 0),
            0,
            r -> FireResult.Outcome.started);

    workflow.update(everyMinute(null));
    env.sleep(Duration.ofMinutes(2));

    awaitCount(fires, 2);
    assertEquals(2, fires.size());
    assertEquals(5, workflow.getState().nextFires().size());
  }
}
