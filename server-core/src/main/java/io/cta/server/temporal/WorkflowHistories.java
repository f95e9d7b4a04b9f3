package io.cta.server.temporal;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.cta.server.error.InvalidInputException;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import io.temporal.client.WorkflowClient;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Reads workflow histories from Temporal, a page at a time, as events whose payloads show only as
 * sizes: inputs and results carry test results, log text and secret values, none of which may leave
 * through a history (docs/api.md#the-workflow-behind-an-execution).
 */
@Component
public class WorkflowHistories {

  /** Failure messages are shown, cut to this length; their details (payloads) never are. */
  static final int MESSAGE_LIMIT = 1000;

  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private final WorkflowClient client;

  public WorkflowHistories(WorkflowClient client) {
    this.client = client;
  }

  /**
   * One event of a history.
   *
   * @param eventType Temporal's event type without its prefix ({@code ActivityTaskScheduled})
   * @param details what the event says, with payloads as byte counts ({@code inputBytes})
   */
  public record Event(long eventId, String eventType, Instant time, Map<String, Object> details) {}

  /**
   * A page of a history.
   *
   * @param next the token of the following page, or null on the last
   */
  public record Page(List<Event> events, String next) {}

  /**
   * A page of the latest run's history of the workflow, at most {@code size} events, from {@code
   * pageToken} (a previous page's {@code next}, or null for the first). Empty when Temporal does
   * not know the workflow (never started, or its history is past retention).
   */
  public Mono<Optional<Page>> page(String workflowId, int size, String pageToken) {
    Cursor cursor = Cursor.parse(pageToken);
    return Mono.fromCallable(
            () -> {
              GetWorkflowExecutionHistoryRequest request =
                  GetWorkflowExecutionHistoryRequest.newBuilder()
                      .setNamespace(client.getOptions().getNamespace())
                      .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                      .setMaximumPageSize(size)
                      .setNextPageToken(cursor.token())
                      .build();
              try {
                GetWorkflowExecutionHistoryResponse response =
                    client
                        .getWorkflowServiceStubs()
                        .blockingStub()
                        .withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                        .getWorkflowExecutionHistory(request);
                return Optional.of(page(response, cursor, size));
              } catch (StatusRuntimeException e) {
                return switch (e.getStatus().getCode()) {
                  case NOT_FOUND -> Optional.<Page>empty();
                  case INVALID_ARGUMENT -> throw badToken();
                  default -> throw e;
                };
              }
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  private static InvalidInputException badToken() {
    return new InvalidInputException("pageToken: not a page token of this workflow's history");
  }

  /**
   * Where a page starts: Temporal's page token and how many of that page's events were shown
   * already. Temporal may answer more events than the page size asked for (its test server ignores
   * the size), so a page is cut to {@code size} and the next one skips what was shown.
   */
  private record Cursor(ByteString token, int skip) {
    static Cursor parse(String pageToken) {
      if (pageToken == null || pageToken.isEmpty()) {
        return new Cursor(ByteString.EMPTY, 0);
      }
      try {
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getUrlDecoder().decode(pageToken));
        int skip = bytes.getInt();
        if (skip < 0) {
          throw badToken();
        }
        return new Cursor(ByteString.copyFrom(bytes), skip);
      } catch (IllegalArgumentException | BufferUnderflowException e) {
        throw badToken();
      }
    }

    String format() {
      ByteBuffer bytes = ByteBuffer.allocate(4 + token.size()).putInt(skip);
      token.copyTo(bytes);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }
  }

  private static Page page(GetWorkflowExecutionHistoryResponse response, Cursor cursor, int size) {
    List<HistoryEvent> all = response.getHistory().getEventsList();
    int from = Math.min(cursor.skip(), all.size());
    int to = Math.min(from + size, all.size());
    List<Event> events = new ArrayList<>();
    for (HistoryEvent event : all.subList(from, to)) {
      events.add(
          new Event(
              event.getEventId(),
              eventType(event.getEventType()),
              instant(event.getEventTime()),
              details(event)));
    }
    ByteString next = response.getNextPageToken();
    String nextToken;
    if (to < all.size()) {
      nextToken = new Cursor(cursor.token(), to).format();
    } else {
      nextToken = next.isEmpty() ? null : new Cursor(next, 0).format();
    }
    return new Page(events, nextToken);
  }

  /** {@code EVENT_TYPE_ACTIVITY_TASK_SCHEDULED} → {@code ActivityTaskScheduled}. */
  static String eventType(EventType type) {
    StringBuilder name = new StringBuilder();
    for (String word : type.name().replaceFirst("^EVENT_TYPE_", "").split("_")) {
      if (!word.isEmpty()) {
        name.append(word.charAt(0)).append(word.substring(1).toLowerCase());
      }
    }
    return name.toString();
  }

  private static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  /** What each kind of event says that a reader of the workflow needs; never payload contents. */
  static Map<String, Object> details(HistoryEvent event) {
    Map<String, Object> d = new LinkedHashMap<>();
    switch (event.getAttributesCase()) {
      case WORKFLOW_EXECUTION_STARTED_EVENT_ATTRIBUTES -> {
        var a = event.getWorkflowExecutionStartedEventAttributes();
        d.put("workflowType", a.getWorkflowType().getName());
        d.put("taskQueue", a.getTaskQueue().getName());
        d.put("attempt", a.getAttempt());
        d.put("inputBytes", size(a.getInput()));
        if (a.hasParentWorkflowExecution()) {
          d.put("parentWorkflowId", a.getParentWorkflowExecution().getWorkflowId());
        }
      }
      case WORKFLOW_EXECUTION_COMPLETED_EVENT_ATTRIBUTES ->
          d.put(
              "resultBytes",
              size(event.getWorkflowExecutionCompletedEventAttributes().getResult()));
      case WORKFLOW_EXECUTION_FAILED_EVENT_ATTRIBUTES ->
          failure(d, event.getWorkflowExecutionFailedEventAttributes().getFailure());
      case WORKFLOW_EXECUTION_CONTINUED_AS_NEW_EVENT_ATTRIBUTES -> {
        var a = event.getWorkflowExecutionContinuedAsNewEventAttributes();
        d.put("newRunId", a.getNewExecutionRunId());
        d.put("inputBytes", size(a.getInput()));
      }
      case WORKFLOW_EXECUTION_SIGNALED_EVENT_ATTRIBUTES -> {
        var a = event.getWorkflowExecutionSignaledEventAttributes();
        d.put("signalName", a.getSignalName());
        d.put("inputBytes", size(a.getInput()));
      }
      case WORKFLOW_EXECUTION_TERMINATED_EVENT_ATTRIBUTES ->
          d.put("reason", cut(event.getWorkflowExecutionTerminatedEventAttributes().getReason()));
      case WORKFLOW_TASK_FAILED_EVENT_ATTRIBUTES -> {
        var a = event.getWorkflowTaskFailedEventAttributes();
        d.put("cause", a.getCause().name());
        failure(d, a.getFailure());
      }
      case ACTIVITY_TASK_SCHEDULED_EVENT_ATTRIBUTES -> {
        var a = event.getActivityTaskScheduledEventAttributes();
        d.put("activityType", a.getActivityType().getName());
        d.put("activityId", a.getActivityId());
        d.put("taskQueue", a.getTaskQueue().getName());
        d.put("inputBytes", size(a.getInput()));
      }
      case ACTIVITY_TASK_STARTED_EVENT_ATTRIBUTES -> {
        var a = event.getActivityTaskStartedEventAttributes();
        d.put("scheduledEventId", a.getScheduledEventId());
        d.put("attempt", a.getAttempt());
        d.put("identity", a.getIdentity());
        if (a.hasLastFailure()) {
          failure(d, a.getLastFailure());
        }
      }
      case ACTIVITY_TASK_COMPLETED_EVENT_ATTRIBUTES -> {
        var a = event.getActivityTaskCompletedEventAttributes();
        d.put("scheduledEventId", a.getScheduledEventId());
        d.put("resultBytes", size(a.getResult()));
      }
      case ACTIVITY_TASK_FAILED_EVENT_ATTRIBUTES -> {
        var a = event.getActivityTaskFailedEventAttributes();
        d.put("scheduledEventId", a.getScheduledEventId());
        d.put("retryState", a.getRetryState().name());
        failure(d, a.getFailure());
      }
      case ACTIVITY_TASK_TIMED_OUT_EVENT_ATTRIBUTES -> {
        var a = event.getActivityTaskTimedOutEventAttributes();
        d.put("scheduledEventId", a.getScheduledEventId());
        d.put("retryState", a.getRetryState().name());
        failure(d, a.getFailure());
      }
      case ACTIVITY_TASK_CANCELED_EVENT_ATTRIBUTES ->
          d.put(
              "scheduledEventId",
              event.getActivityTaskCanceledEventAttributes().getScheduledEventId());
      case TIMER_STARTED_EVENT_ATTRIBUTES -> {
        var a = event.getTimerStartedEventAttributes();
        d.put("timerId", a.getTimerId());
        d.put("startToFireSeconds", a.getStartToFireTimeout().getSeconds());
      }
      case TIMER_FIRED_EVENT_ATTRIBUTES ->
          d.put("timerId", event.getTimerFiredEventAttributes().getTimerId());
      case TIMER_CANCELED_EVENT_ATTRIBUTES ->
          d.put("timerId", event.getTimerCanceledEventAttributes().getTimerId());
      case MARKER_RECORDED_EVENT_ATTRIBUTES -> {
        var a = event.getMarkerRecordedEventAttributes();
        d.put("markerName", a.getMarkerName());
        d.put(
            "detailsBytes",
            a.getDetailsMap().values().stream().mapToLong(WorkflowHistories::size).sum());
      }
      case START_CHILD_WORKFLOW_EXECUTION_INITIATED_EVENT_ATTRIBUTES -> {
        var a = event.getStartChildWorkflowExecutionInitiatedEventAttributes();
        d.put("childWorkflowId", a.getWorkflowId());
        d.put("workflowType", a.getWorkflowType().getName());
        d.put("inputBytes", size(a.getInput()));
      }
      case START_CHILD_WORKFLOW_EXECUTION_FAILED_EVENT_ATTRIBUTES -> {
        var a = event.getStartChildWorkflowExecutionFailedEventAttributes();
        d.put("childWorkflowId", a.getWorkflowId());
        d.put("cause", a.getCause().name());
      }
      case CHILD_WORKFLOW_EXECUTION_STARTED_EVENT_ATTRIBUTES ->
          d.put(
              "childWorkflowId",
              event
                  .getChildWorkflowExecutionStartedEventAttributes()
                  .getWorkflowExecution()
                  .getWorkflowId());
      case CHILD_WORKFLOW_EXECUTION_COMPLETED_EVENT_ATTRIBUTES -> {
        var a = event.getChildWorkflowExecutionCompletedEventAttributes();
        d.put("childWorkflowId", a.getWorkflowExecution().getWorkflowId());
        d.put("resultBytes", size(a.getResult()));
      }
      case CHILD_WORKFLOW_EXECUTION_FAILED_EVENT_ATTRIBUTES -> {
        var a = event.getChildWorkflowExecutionFailedEventAttributes();
        d.put("childWorkflowId", a.getWorkflowExecution().getWorkflowId());
        failure(d, a.getFailure());
      }
      case CHILD_WORKFLOW_EXECUTION_CANCELED_EVENT_ATTRIBUTES ->
          d.put(
              "childWorkflowId",
              event
                  .getChildWorkflowExecutionCanceledEventAttributes()
                  .getWorkflowExecution()
                  .getWorkflowId());
      case CHILD_WORKFLOW_EXECUTION_TIMED_OUT_EVENT_ATTRIBUTES ->
          d.put(
              "childWorkflowId",
              event
                  .getChildWorkflowExecutionTimedOutEventAttributes()
                  .getWorkflowExecution()
                  .getWorkflowId());
      case CHILD_WORKFLOW_EXECUTION_TERMINATED_EVENT_ATTRIBUTES ->
          d.put(
              "childWorkflowId",
              event
                  .getChildWorkflowExecutionTerminatedEventAttributes()
                  .getWorkflowExecution()
                  .getWorkflowId());
      case SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED_EVENT_ATTRIBUTES -> {
        var a = event.getSignalExternalWorkflowExecutionInitiatedEventAttributes();
        d.put("signalName", a.getSignalName());
        d.put("targetWorkflowId", a.getWorkflowExecution().getWorkflowId());
        d.put("inputBytes", size(a.getInput()));
      }
      default -> {
        // The other events (workflow tasks, cancel requests, search attributes) speak for
        // themselves by their type.
      }
    }
    return d;
  }

  /** A failure's kind and message; its details are payloads and stay out. */
  private static void failure(Map<String, Object> d, Failure failure) {
    d.put("failureMessage", cut(failure.getMessage()));
    switch (failure.getFailureInfoCase()) {
      case APPLICATION_FAILURE_INFO ->
          d.put("failureType", failure.getApplicationFailureInfo().getType());
      case TIMEOUT_FAILURE_INFO ->
          d.put("failureType", failure.getTimeoutFailureInfo().getTimeoutType().name());
      default -> d.put("failureType", failure.getFailureInfoCase().name());
    }
    if (failure.hasCause()) {
      d.put("causeMessage", cut(failure.getCause().getMessage()));
    }
  }

  private static long size(Payloads payloads) {
    return payloads.getPayloadsList().stream().mapToLong(p -> p.getData().size()).sum();
  }

  private static String cut(String text) {
    return text.length() <= MESSAGE_LIMIT ? text : text.substring(0, MESSAGE_LIMIT) + "…";
  }
}
