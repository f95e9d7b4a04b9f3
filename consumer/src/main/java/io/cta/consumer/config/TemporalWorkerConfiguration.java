package io.cta.consumer.config;

import io.cta.activities.server.ServerActivities;
import io.cta.temporal.TaskQueues;
import io.cta.workflows.execution.ExecutionWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/** Runs the workflows and the server-side activities on the server task queue. */
@Component
class TemporalWorkerConfiguration implements SmartLifecycle {

  private final WorkerFactory factory;
  private volatile boolean running;

  TemporalWorkerConfiguration(WorkflowClient client, ServerActivities serverActivities) {
    this.factory = WorkerFactory.newInstance(client);
    Worker worker = factory.newWorker(TaskQueues.SERVER);
    worker.registerWorkflowImplementationTypes(ExecutionWorkflowImpl.class);
    worker.registerActivitiesImplementations(serverActivities);
  }

  @Override
  public void start() {
    factory.start();
    running = true;
  }

  @Override
  public void stop() {
    factory.shutdown();
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
