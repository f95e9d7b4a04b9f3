package io.cta.consumer.config;

import io.cta.activities.notification.NotificationActivities;
import io.cta.activities.schedule.ScheduleActivities;
import io.cta.activities.server.ServerActivities;
import io.cta.activities.vm.VmActivities;
import io.cta.temporal.TaskQueues;
import io.cta.workflows.execution.ExecutionWorkflowImpl;
import io.cta.workflows.execution.LaneWorkflowImpl;
import io.cta.workflows.notification.NotificationWorkflowImpl;
import io.cta.workflows.schedule.ScheduleWorkflowImpl;
import io.cta.workflows.vm.LeaseWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs the workflows (executions, schedules, notifications, VM leases) and server-side activities
 * on the server queue.
 */
@Component
class TemporalWorkerConfiguration implements SmartLifecycle {

  private final WorkerFactory factory;
  private volatile boolean running;

  TemporalWorkerConfiguration(
      WorkflowClient client,
      ServerActivities serverActivities,
      ScheduleActivities scheduleActivities,
      NotificationActivities notificationActivities,
      VmActivities vmActivities,
      ConsumerProperties properties) {
    this.factory =
        WorkerFactory.newInstance(
            client,
            WorkerFactoryOptions.newBuilder()
                .setWorkflowCacheSize(properties.workflowCacheSize())
                .build());
    WorkerOptions.Builder options = WorkerOptions.newBuilder();
    if (properties.workflowCacheSize() == 0) {
      // A zero sticky timeout is what makes the SDK stop asking for sticky task queues.
      options.setStickyQueueScheduleToStartTimeout(Duration.ZERO);
    }
    Worker worker = factory.newWorker(TaskQueues.SERVER, options.build());
    worker.registerWorkflowImplementationTypes(
        ExecutionWorkflowImpl.class,
        LaneWorkflowImpl.class,
        ScheduleWorkflowImpl.class,
        NotificationWorkflowImpl.class,
        LeaseWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        serverActivities, scheduleActivities, notificationActivities, vmActivities);
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
