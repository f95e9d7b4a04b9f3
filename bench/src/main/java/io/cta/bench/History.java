package io.cta.bench;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The event times of one workflow run, read from Temporal's history of the workflow. */
final class History {

  /** One activity: when it was scheduled, started (taken by a worker) and completed. */
  record Activity(String type, long scheduled, long started, long completed) {

    boolean spans(long instant) {
      return started > 0 && completed > 0 && started <= instant && instant <= completed;
    }
  }

  private final int events;
  private final long started;
  private final long closed;
  private final List<Activity> activities;
  private final List<String> children;
  private final String previousRun;

  private History(
      int events,
      long started,
      long closed,
      List<Activity> activities,
      List<String> children,
      String previousRun) {
    this.events = events;
    this.started = started;
    this.closed = closed;
    this.activities = activities;
    this.children = children;
    this.previousRun = previousRun;
  }

  /** The workflow's latest run. */
  static History fetch(WorkflowClient client, String workflowId) {
    return fetch(client, workflowId, null);
  }

  /**
   * Every run of the workflow, latest first, following continue-as-new back to the first, and the
   * same for each child workflow of every run.
   */
  static List<History> allRuns(WorkflowClient client, String workflowId) {
    List<History> runs = new ArrayList<>();
    History run = fetch(client, workflowId, null);
    while (true) {
      runs.add(run);
      for (String child : run.children) {
        runs.addAll(allRuns(client, child));
      }
      if (run.previousRun.isEmpty()) {
        return runs;
      }
      run = fetch(client, workflowId, run.previousRun);
    }
  }

  private static History fetch(WorkflowClient client, String workflowId, String runId) {
    List<HistoryEvent> events = client.fetchHistory(workflowId, runId).getEvents();
    String previousRun = "";
    long started = 0;
    long closed = 0;
    Map<Long, String> types = new LinkedHashMap<>();
    Map<Long, long[]> times = new LinkedHashMap<>();
    List<String> children = new ArrayList<>();
    for (HistoryEvent event : events) {
      long at =
          event.getEventTime().getSeconds() * 1000 + event.getEventTime().getNanos() / 1_000_000;
      EventType type = event.getEventType();
      switch (type) {
        case EVENT_TYPE_WORKFLOW_EXECUTION_STARTED -> {
          started = at;
          previousRun =
              event.getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId();
        }
        case EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
            EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
            EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
            EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
            EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
            EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT ->
            closed = at;
        case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED -> {
          types.put(
              event.getEventId(),
              event.getActivityTaskScheduledEventAttributes().getActivityType().getName());
          times.put(event.getEventId(), new long[] {at, 0, 0});
        }
        case EVENT_TYPE_ACTIVITY_TASK_STARTED ->
            times.get(event.getActivityTaskStartedEventAttributes().getScheduledEventId())[1] = at;
        case EVENT_TYPE_ACTIVITY_TASK_COMPLETED ->
            times.get(event.getActivityTaskCompletedEventAttributes().getScheduledEventId())[2] =
                at;
        case EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED ->
            children.add(
                event.getStartChildWorkflowExecutionInitiatedEventAttributes().getWorkflowId());
        default -> {
          // signals, workflow tasks, timers: not steps of their own
        }
      }
    }
    List<Activity> activities = new ArrayList<>();
    types.forEach(
        (id, type) -> {
          long[] t = times.get(id);
          activities.add(new Activity(type, t[0], t[1], t[2]));
        });
    return new History(events.size(), started, closed, activities, children, previousRun);
  }

  int events() {
    return events;
  }

  long started() {
    return started;
  }

  long closed() {
    return closed;
  }

  List<Activity> activities() {
    return activities;
  }
}
