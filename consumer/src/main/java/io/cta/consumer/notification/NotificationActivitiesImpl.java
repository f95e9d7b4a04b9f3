package io.cta.consumer.notification;

import io.cta.activities.ExecutionState;
import io.cta.activities.FailureType;
import io.cta.activities.TestStatus;
import io.cta.activities.notification.DeliveryFailure;
import io.cta.activities.notification.DeliveryRequest;
import io.cta.activities.notification.NotificationActivities;
import io.cta.consumer.config.ConsumerProperties;
import io.cta.consumer.metrics.ConsumerMetrics;
import io.cta.server.definition.Notification;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.notification.Delivery;
import io.cta.server.notification.DeliveryStore;
import io.temporal.activity.Activity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Evaluates and delivers an execution's notifications (docs/notifications.md). Every attempt is
 * recorded in the execution's delivery log; retries are the notification workflow's.
 */
@Component
public class NotificationActivitiesImpl implements NotificationActivities {

  private static final Logger log = LoggerFactory.getLogger(NotificationActivitiesImpl.class);

  private final ExecutionStore executions;
  private final DeliveryStore deliveries;
  private final WebhookSender webhooks;
  private final EmailSender emails;
  private final Chains chains;
  private final ConsumerMetrics metrics;
  private final ConsumerProperties.Notifications settings;

  public NotificationActivitiesImpl(
      ExecutionStore executions,
      DeliveryStore deliveries,
      WebhookSender webhooks,
      EmailSender emails,
      Chains chains,
      ConsumerMetrics metrics,
      ConsumerProperties properties) {
    this.executions = executions;
    this.deliveries = deliveries;
    this.webhooks = webhooks;
    this.emails = emails;
    this.chains = chains;
    this.metrics = metrics;
    this.settings = properties.notifications();
  }

  @Override
  public List<DeliveryRequest> due(String executionId) {
    ExecutionDocument execution = execution(executionId);
    List<Notification> notifications =
        execution.notifications() == null ? List.of() : execution.notifications();
    if (!execution.state().isTerminal() || notifications.isEmpty()) {
      return List.of();
    }
    boolean changed =
        notifications.stream().anyMatch(n -> n.on() == Notification.On.stateChange)
            && changedSincePrevious(execution);
    List<DeliveryRequest> due = new ArrayList<>();
    for (int i = 0; i < notifications.size(); i++) {
      Notification notification = notifications.get(i);
      boolean fires =
          switch (notification.on() == null ? Notification.On.finish : notification.on()) {
            case finish -> true;
            case notOk -> !isOk(execution);
            case stateChange -> changed;
          };
      if (fires) {
        due.add(new DeliveryRequest(execution.id(), i, notification.type()));
      }
    }
    return due;
  }

  private static boolean isOk(ExecutionDocument execution) {
    return execution.state() == ExecutionState.finished && execution.result() == TestStatus.ok;
  }

  /** Whether the state or result differs from the previous ended execution (or there is none). */
  private boolean changedSincePrevious(ExecutionDocument execution) {
    ExecutionDocument previous =
        executions.findPreviousEnded(execution.scenarioId(), execution.number()).block();
    return previous == null
        || previous.state() != execution.state()
        || !Objects.equals(previous.result(), execution.result());
  }

  @Override
  public void deliver(DeliveryRequest request) {
    ExecutionDocument execution = execution(request.executionId());
    Notification notification = notification(execution, request.index());
    int attempt = Activity.getExecutionContext().getInfo().getAttempt();
    Integer statusCode = null;
    String chained = null;
    try {
      ExecutionSummary summary = ExecutionSummary.of(execution, settings.publicUrl());
      switch (notification.type()) {
        case webhook ->
            statusCode =
                webhooks.send(
                    notification.url(),
                    notification.secret(),
                    execution.id() + "-" + request.index(),
                    summary);
        case email -> emails.send(notification.to(), summary);
        case chain -> chained = chains.start(execution, request.index(), notification);
      }
    } catch (RuntimeException e) {
      DeliveryException failure =
          e instanceof DeliveryException known
              ? known
              : new DeliveryException(e.getClass().getSimpleName(), null, false);
      if (!(e instanceof DeliveryException)) {
        log.error("notification {} of execution {} failed", request.index(), execution.id(), e);
      }
      record(request, notification, attempt, Delivery.Status.failed, failure, null, null);
      log.info(
          "notification {} ({}) of execution {}: attempt {} failed: {}",
          request.index(),
          notification.type(),
          execution.id(),
          attempt,
          failure.getMessage());
      throw failure.permanent()
          ? FailureType.NOT_DELIVERED.nonRetryable(failure.getMessage())
          : FailureType.NOT_DELIVERED.retryable(failure.getMessage());
    }
    record(request, notification, attempt, Delivery.Status.delivered, null, statusCode, chained);
  }

  @Override
  public void giveUp(DeliveryFailure failure) {
    List<Delivery> logged = deliveries.deliveries(failure.executionId()).block();
    List<Delivery> attempts =
        logged.stream().filter(d -> d.notification() == failure.index()).toList();
    if (attempts.stream().anyMatch(d -> d.status() == Delivery.Status.abandoned)) {
      return; // recorded and counted already
    }
    ExecutionDocument execution = executions.findById(failure.executionId()).block();
    String target =
        execution == null || failure.index() >= sizeOf(execution)
            ? null
            : DeliveryTargets.of(execution.notifications().get(failure.index()));
    deliveries
        .append(
            failure.executionId(),
            new Delivery(
                failure.index(),
                failure.type(),
                target,
                attempts.size(),
                Delivery.Status.abandoned,
                null,
                failure.reason(),
                null,
                Instant.now()))
        .block();
    metrics.notificationFailed(failure.type().name());
    log.warn(
        "notification {} ({}) of execution {} abandoned after {} attempt(s): {}",
        failure.index(),
        failure.type(),
        failure.executionId(),
        attempts.size(),
        failure.reason());
  }

  private void record(
      DeliveryRequest request,
      Notification notification,
      int attempt,
      Delivery.Status status,
      DeliveryException failure,
      Integer statusCode,
      String chainedExecutionId) {
    deliveries
        .append(
            request.executionId(),
            new Delivery(
                request.index(),
                notification.type(),
                DeliveryTargets.of(notification),
                attempt,
                status,
                failure == null ? statusCode : failure.statusCode(),
                failure == null ? null : failure.getMessage(),
                chainedExecutionId,
                Instant.now()))
        .block();
  }

  private ExecutionDocument execution(String id) {
    ExecutionDocument execution = executions.findById(id).block();
    if (execution == null) {
      throw FailureType.NOT_FOUND.nonRetryable("execution " + id + " does not exist");
    }
    return execution;
  }

  private static int sizeOf(ExecutionDocument execution) {
    return execution.notifications() == null ? 0 : execution.notifications().size();
  }

  private static Notification notification(ExecutionDocument execution, int index) {
    if (index < 0 || index >= sizeOf(execution)) {
      throw FailureType.NOT_FOUND.nonRetryable(
          "execution " + execution.id() + " has no notification " + index);
    }
    return execution.notifications().get(index);
  }
}
