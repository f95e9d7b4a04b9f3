package io.cta.consumer.agent;

import io.cta.activities.TestStatus;
import io.cta.activities.events.AgentEvent;
import io.cta.activities.events.BatchAck;
import io.cta.consumer.metrics.ConsumerMetrics;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.LogChunkDocument;
import io.cta.server.execution.ResultDocument;
import io.cta.server.execution.ResultStore;
import io.cta.server.execution.StateEventDocument;
import io.cta.server.machine.MachineDocument;
import io.cta.server.web.ApiException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Stores an agent's events in order. Each event is stored under its idempotency key (results under
 * their counting key), so a batch delivered twice changes nothing the second time.
 */
@Component
class AgentEventIngestor {

  private static final int MAX_TEXT = 64 * 1024;

  private final ExecutionStore executions;
  private final ResultStore results;
  private final ConsumerMetrics metrics;

  AgentEventIngestor(ExecutionStore executions, ResultStore results, ConsumerMetrics metrics) {
    this.executions = executions;
    this.results = results;
    this.metrics = metrics;
  }

  Mono<BatchAck> ingest(MachineDocument machine, List<AgentEvent> events) {
    for (AgentEvent event : events) {
      validate(event);
    }
    return Flux.fromIterable(events)
        .concatMap(event -> ingest(machine, event))
        .reduce(
            new int[2],
            (counts, isNew) -> {
              counts[isNew ? 0 : 1]++;
              return counts;
            })
        .map(counts -> new BatchAck(counts[0], counts[1]));
  }

  private Mono<Boolean> ingest(MachineDocument machine, AgentEvent event) {
    Instant at = Instant.ofEpochMilli(event.at());
    return switch (event.type()) {
      case AgentEvent.STATE ->
          results
              .insertOnce(
                  new StateEventDocument(
                      event.key(), event.executionId(), machine.name(), event.state(), null, at))
              .flatMap(
                  isNew ->
                      isNew && "running".equals(event.state())
                          ? started(machine, event.executionId(), at).thenReturn(true)
                          : Mono.just(isNew));
      case AgentEvent.RESULT ->
          executions
              .findById(event.executionId())
              .switchIfEmpty(Mono.error(ApiException.notFound("execution", event.executionId())))
              .flatMap(execution -> results.save(result(machine, event, execution)))
              .doOnNext(stored -> metrics.resultIngested(stored.status()))
              .thenReturn(true);
      case AgentEvent.LOG ->
          results.insertOnce(
              new LogChunkDocument(
                  event.key(),
                  event.executionId(),
                  event.testId(),
                  machine.name(),
                  event.attempt(),
                  event.stage(),
                  event.stream(),
                  event.seq() == null ? 0 : event.seq(),
                  truncate(event.text()),
                  at));
      default -> Mono.error(ApiException.badRequest("unknown event type '" + event.type() + "'"));
    };
  }

  /**
   * Marks the machine and a pending execution running (the agent signals the workflow itself). The
   * execution's start (its first machine; in stress mode its last) ends its dispatch latency.
   */
  private Mono<Void> started(MachineDocument machine, String executionId, Instant at) {
    return executions
        .markMachineRunning(executionId, machine.id(), machine.name(), at)
        .doOnNext(execution -> metrics.executionStarted(execution, at))
        .then();
  }

  private static ResultDocument result(
      MachineDocument machine, AgentEvent event, ExecutionDocument execution) {
    String caseName = event.caseName() == null ? "" : event.caseName();
    return new ResultDocument(
        ResultDocument.key(
            execution.id(), event.testId(), caseName, machine.name(), event.attempt()),
        execution.id(),
        event.testId(),
        caseName,
        machine.name(),
        event.attempt(),
        TestStatus.valueOf(event.status()),
        truncate(event.message()),
        truncate(event.description()),
        event.durationMs(),
        List.of(),
        List.of(),
        event.custom() == null ? Map.of() : event.custom(),
        event.startedAt() == null ? null : Instant.ofEpochMilli(event.startedAt()),
        event.finishedAt() == null ? null : Instant.ofEpochMilli(event.finishedAt()),
        // The execution is complete once it is terminal: later results are kept but not counted.
        execution.state().isTerminal(),
        Instant.now());
  }

  private static void validate(AgentEvent event) {
    if (event == null
        || event.key() == null
        || event.key().isBlank()
        || event.key().length() > 300) {
      throw ApiException.badRequest("every event needs a key of at most 300 characters");
    }
    if (event.type() == null || event.executionId() == null || event.executionId().isBlank()) {
      throw ApiException.badRequest("event " + event.key() + ": type and executionId are required");
    }
    if (AgentEvent.RESULT.equals(event.type())) {
      if (event.testId() == null || event.testId().isBlank()) {
        throw ApiException.badRequest("event " + event.key() + ": a result needs a testId");
      }
      try {
        TestStatus.valueOf(String.valueOf(event.status()));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(
            "event " + event.key() + ": status must be ok, failed, partial or inconclusive");
      }
    }
  }

  private static String truncate(String text) {
    return text == null || text.length() <= MAX_TEXT
        ? text
        : text.substring(0, MAX_TEXT) + "…[truncated]";
  }
}
