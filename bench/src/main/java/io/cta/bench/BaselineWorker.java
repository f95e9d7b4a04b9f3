package io.cta.bench;

import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;

/**
 * A baseline worker JVM, the bare counterpart of an agent: it polls the baseline activity queue and
 * runs at most {@code SLOTS} activities at once (an agent's {@code --slots}).
 *
 * <p>Usage: {@code BaselineWorker TEMPORAL_TARGET SLOTS}; prints {@value #READY} once it polls.
 */
public final class BaselineWorker {

  static final String READY = "baseline worker ready";

  private BaselineWorker() {}

  public static void main(String[] args) {
    WorkflowServiceStubs service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(args[0]).build());
    WorkerFactory factory = WorkerFactory.newInstance(WorkflowClient.newInstance(service));
    factory
        .newWorker(
            BaselineWorkflow.ACTIVITY_QUEUE,
            WorkerOptions.newBuilder()
                .setMaxConcurrentActivityExecutionSize(Integer.parseInt(args[1]))
                .build())
        .registerActivitiesImplementations(new BaselineWorkflow.NoopImpl());
    factory.start();
    Runtime.getRuntime().addShutdownHook(new Thread(factory::shutdownNow));
    System.out.println(READY);
  }
}
