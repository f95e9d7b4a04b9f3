package io.cta.server.temporal;

import io.cta.server.execution.ExecutionDocument;
import io.cta.temporal.TaskQueues;
import io.cta.workflows.execution.CancelSignal;
import io.cta.workflows.execution.ExecutionInput;
import io.cta.workflows.execution.ExecutionWorkflow;
import io.cta.workflows.notification.NotificationInput;
import io.cta.workflows.notification.NotificationWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import java.util.Optional;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The server side's calls into execution workflows. Temporal's client blocks, so every call runs on
 * the bounded elastic scheduler, never on an event loop.
 */
@Component
public class ExecutionWorkflows {

  private final WorkflowClient client;

  public ExecutionWorkflows(WorkflowClient client) {
    this.client = client;
  }

  /**
   * Starts the execution's workflow. The id derives from the execution id and a closed workflow's
   * id is never reused, so starting twice is harmless: true when this call started it.
   */
  public Mono<Boolean> start(ExecutionDocument execution) {
    return Mono.fromCallable(
            () -> {
              WorkflowOptions options =
                  WorkflowOptions.newBuilder()
                      .setWorkflowId(ExecutionWorkflow.workflowId(execution.id()))
                      .setTaskQueue(TaskQueues.SERVER)
                      .setWorkflowIdReusePolicy(
                          WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                      .build();
              ExecutionWorkflow workflow = client.newWorkflowStub(ExecutionWorkflow.class, options);
              try {
                WorkflowClient.start(
                    workflow::run,
                    new ExecutionInput(execution.id(), execution.requestedAt().toEpochMilli()));
                return true;
              } catch (WorkflowExecutionAlreadyStarted alreadyStarted) {
                return false;
              }
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  /**
   * Starts the notifications of an execution that ended without its workflow (which would have
   * started them). Their workflow id derives from the execution id, so an execution never notifies
   * twice: true when this call started them.
   */
  public Mono<Boolean> notify(String executionId) {
    return Mono.fromCallable(
            () -> {
              NotificationWorkflow notifications =
                  client.newWorkflowStub(
                      NotificationWorkflow.class,
                      WorkflowOptions.newBuilder()
                          .setWorkflowId(NotificationWorkflow.workflowId(executionId))
                          .setTaskQueue(TaskQueues.SERVER)
                          .setWorkflowIdReusePolicy(
                              WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                          .build());
              try {
                WorkflowClient.start(notifications::run, new NotificationInput(executionId));
                return true;
              } catch (WorkflowExecutionAlreadyStarted alreadyStarted) {
                return false;
              }
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  public Mono<Void> cancel(String executionId, CancelSignal signal) {
    return Mono.<Void>fromRunnable(
            () ->
                client
                    .newWorkflowStub(
                        ExecutionWorkflow.class, ExecutionWorkflow.workflowId(executionId))
                    .cancel(signal))
        .subscribeOn(Schedulers.boundedElastic());
  }

  /** The workflow's status, or empty when Temporal does not know the workflow. */
  public Mono<Optional<WorkflowExecutionStatus>> status(String executionId) {
    return WorkflowStatuses.of(client, ExecutionWorkflow.workflowId(executionId));
  }
}
