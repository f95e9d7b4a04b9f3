package io.cta.server.temporal;

import io.cta.server.scenario.ScheduleDocument;
import io.cta.temporal.TaskQueues;
import io.cta.workflows.schedule.ScheduleInput;
import io.cta.workflows.schedule.ScheduleState;
import io.cta.workflows.schedule.ScheduleWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The server side's calls into schedule workflows (blocking client calls off the event loop). */
@Component
public class ScheduleWorkflows {

  /** The signals a user's change sends. */
  public enum Signal {
    update,
    pause,
    resume,
    trigger
  }

  private final WorkflowClient client;

  public ScheduleWorkflows(WorkflowClient client) {
    this.client = client;
  }

  /**
   * Sends a signal, starting the schedule's workflow from the stored schedule first if it is not
   * running (signal-with-start), so a lost workflow is recreated by any change.
   */
  public Mono<Void> signal(ScheduleDocument schedule, Signal signal) {
    return Mono.<Void>fromRunnable(
            () -> {
              ScheduleWorkflow workflow = stub(schedule.scenarioId());
              BatchRequest request = client.newSignalWithStartRequest();
              request.add(workflow::run, input(schedule));
              switch (signal) {
                case update -> request.add(workflow::update, schedule.spec());
                case pause -> request.add(workflow::pause);
                case resume -> request.add(workflow::resume);
                case trigger -> request.add(workflow::trigger);
              }
              client.signalWithStart(request);
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  /** Starts the schedule's workflow from the stored schedule unless it runs; true if started. */
  public Mono<Boolean> start(ScheduleDocument schedule) {
    return Mono.fromCallable(
            () -> {
              ScheduleWorkflow workflow = stub(schedule.scenarioId());
              try {
                WorkflowClient.start(workflow::run, input(schedule));
                return true;
              } catch (WorkflowExecutionAlreadyStarted running) {
                return false;
              }
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  /** Ends the schedule's workflow if it runs. */
  public Mono<Void> stop(String scenarioId) {
    return Mono.<Void>fromRunnable(
            () -> {
              try {
                client
                    .newWorkflowStub(
                        ScheduleWorkflow.class, ScheduleWorkflow.workflowId(scenarioId))
                    .stop();
              } catch (WorkflowNotFoundException alreadyGone) {
                // nothing to stop
              }
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  /** What the schedule's running workflow keeps time by (its getState query). */
  public Mono<ScheduleState> state(String scenarioId) {
    return Mono.fromCallable(
            () ->
                client
                    .newWorkflowStub(
                        ScheduleWorkflow.class, ScheduleWorkflow.workflowId(scenarioId))
                    .getState())
        .subscribeOn(Schedulers.boundedElastic());
  }

  /** Whether the schedule's workflow is running. */
  public Mono<Boolean> isRunning(String scenarioId) {
    return WorkflowStatuses.of(client, ScheduleWorkflow.workflowId(scenarioId))
        .map(
            status ->
                status.isPresent()
                    && status.get() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
  }

  private ScheduleWorkflow stub(String scenarioId) {
    return client.newWorkflowStub(
        ScheduleWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(ScheduleWorkflow.workflowId(scenarioId))
            .setTaskQueue(TaskQueues.SERVER)
            .build());
  }

  private static ScheduleInput input(ScheduleDocument schedule) {
    return new ScheduleInput(
        schedule.scenarioId(),
        schedule.spec(),
        schedule.paused(),
        schedule.cursor() == null ? 0 : schedule.cursor().toEpochMilli(),
        false);
  }
}
