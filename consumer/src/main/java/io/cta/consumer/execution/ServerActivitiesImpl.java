package io.cta.consumer.execution;

import io.cta.activities.agent.TestSpec;
import io.cta.activities.server.CompleteRequest;
import io.cta.activities.server.CompleteResult;
import io.cta.activities.server.ComposeRequest;
import io.cta.activities.server.ExecutionPlan;
import io.cta.activities.server.LoadTestsRequest;
import io.cta.activities.server.MachineLostRequest;
import io.cta.activities.server.ServerActivities;
import io.cta.consumer.metrics.ConsumerMetrics;
import io.cta.server.execution.ExecutionLifecycle;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The workflow's steps that touch MongoDB, as a thin adapter over the classes that do them.
 * Activities run on Temporal's worker threads, so blocking on the reactive driver there never
 * blocks an event loop.
 */
@Component
public class ServerActivitiesImpl implements ServerActivities {

  private final Composer composer;
  private final SuiteOrder suiteOrder;
  private final ExecutionSlots slots;
  private final Completion completion;
  private final ExecutionLifecycle lifecycle;
  private final ConsumerMetrics metrics;

  public ServerActivitiesImpl(
      Composer composer,
      SuiteOrder suiteOrder,
      ExecutionSlots slots,
      Completion completion,
      ExecutionLifecycle lifecycle,
      ConsumerMetrics metrics) {
    this.composer = composer;
    this.suiteOrder = suiteOrder;
    this.slots = slots;
    this.completion = completion;
    this.lifecycle = lifecycle;
    this.metrics = metrics;
  }

  @Override
  public ExecutionPlan compose(ComposeRequest request) {
    return composer.compose(request);
  }

  @Override
  public List<TestSpec> loadTests(LoadTestsRequest request) {
    return suiteOrder.page(request);
  }

  @Override
  public void acquireSlot(String executionId) {
    slots.acquire(executionId);
  }

  @Override
  public void machineLost(MachineLostRequest request) {
    Instant at = Instant.ofEpochMilli(request.at());
    lifecycle
        .machineLost(request.executionId(), request.machine(), at)
        // The last part to settle was this loss: the execution started now, as in the workflow.
        .doOnNext(started -> metrics.executionStarted(started, at))
        .block();
  }

  @Override
  public CompleteResult complete(CompleteRequest request) {
    return completion.complete(request);
  }
}
