package io.cta.server.temporal;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import java.util.Optional;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Describes workflows by id; off the event loop, since the client blocks. */
final class WorkflowStatuses {

  private WorkflowStatuses() {}

  /** The status of the workflow's latest run, or empty when Temporal does not know the id. */
  static Mono<Optional<WorkflowExecutionStatus>> of(WorkflowClient client, String workflowId) {
    return Mono.fromCallable(
            () -> {
              try {
                return Optional.of(
                    client
                        .getWorkflowServiceStubs()
                        .blockingStub()
                        .describeWorkflowExecution(
                            DescribeWorkflowExecutionRequest.newBuilder()
                                .setNamespace(client.getOptions().getNamespace())
                                .setExecution(
                                    WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                                .build())
                        .getWorkflowExecutionInfo()
                        .getStatus());
              } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                  return Optional.<WorkflowExecutionStatus>empty();
                }
                throw e;
              }
            })
        .subscribeOn(Schedulers.boundedElastic());
  }
}
