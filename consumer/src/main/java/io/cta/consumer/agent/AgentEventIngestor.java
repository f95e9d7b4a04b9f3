package io.cta.consumer.agent;

import io.cta.activities.TestStatus;
import io.cta.activities.events.AgentEvent;
import io.cta.activities.events.BatchAck;
import io.cta.consumer.metrics.ConsumerMetrics;
import io.cta.server.definition.ConfigurationDocument;
import io.cta.server.definition.Target;
import io.cta.server.error.InvalidInputException;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionLifecycle;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.FileStore;
import io.cta.server.execution.LogChunkDocument;
import io.cta.server.execution.ResultDocument;
import io.cta.server.execution.ResultStore;
import io.cta.server.execution.StateEventDocument;
import io.cta.server.execution.StoredFile;
import io.cta.server.live.LiveFeedStore;
import io.cta.server.machine.MachineDocument;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Stores an agent's events in order. A batch delivered twice is appended twice and read back once:
 * results by their counting key, other events by their idempotency key ({@link ResultStore}).
 */
@Component
class AgentEventIngestor {

  private static final Logger log = LoggerFactory.getLogger(AgentEventIngestor.class);

  // Caps that keep the largest result ~70 KB, so a bucket of them stays far below 16 MB.
  private static final int MAX_TEXT = 16 * 1024;
  private static final int MAX_CUSTOM = 32;
  private static final int MAX_CUSTOM_KEY = 100;
  private static final int MAX_CUSTOM_VALUE = 1024;
  private static final int MAX_LOG_CHUNK = 64 * 1024;
  private static final int MAX_FILES = 20;

  private final ExecutionStore executions;
  private final ExecutionLifecycle lifecycle;
  private final ResultStore results;
  private final FileStore files;
  private final LiveFeedStore live;
  private final ConsumerMetrics metrics;

  AgentEventIngestor(
      ExecutionStore executions,
      ExecutionLifecycle lifecycle,
      ResultStore results,
      FileStore files,
      LiveFeedStore live,
      ConsumerMetrics metrics) {
    this.executions = executions;
    this.lifecycle = lifecycle;
    this.results = results;
    this.files = files;
    this.live = live;
    this.metrics = metrics;
  }

  /**
   * Validates the whole batch (400 naming the first bad field), then stores the events of every
   * execution that exists and gave this machine work. Another execution's events are refused in the
   * answer, not with an error: one execution deleted (404) or not this machine's (403) never costs
   * the other executions of the batch their events.
   */
  Mono<BatchAck> ingest(MachineDocument machine, List<AgentEvent> events) {
    Map<String, List<AgentEvent>> byExecution = new LinkedHashMap<>();
    for (int i = 0; i < events.size(); i++) {
      AgentEvent event = events.get(i);
      validate(event, "events[" + i + "]");
      byExecution.computeIfAbsent(event.executionId(), id -> new ArrayList<>()).add(event);
    }
    List<BatchAck.Refusal> refused = new ArrayList<>();
    return Flux.fromIterable(byExecution.entrySet())
        .concatMap(entry -> admit(machine, entry.getKey(), entry.getValue().size(), refused))
        .collectList()
        .flatMapMany(Flux::fromIterable)
        .concatMap(execution -> ingest(machine, execution, byExecution.get(execution.id())))
        .then(
            Mono.defer(
                () -> {
                  List<AgentEvent> accepted = accepted(events, refused);
                  return live.publish(LiveDrafts.of(machine.name(), accepted))
                      .thenReturn(new BatchAck(accepted.size(), refused));
                }));
  }

  /**
   * The execution if it exists and gave this machine work; else empty, with the refusal noted: 404
   * when it does not exist, 403 when it is not this machine's.
   */
  private Mono<ExecutionDocument> admit(
      MachineDocument machine, String executionId, int count, List<BatchAck.Refusal> refused) {
    return executions
        .findById(executionId)
        .map(Optional::of)
        .defaultIfEmpty(Optional.empty())
        .flatMap(
            found -> {
              if (found.isPresent() && takesPart(machine, found.get())) {
                return Mono.just(found.get());
              }
              BatchAck.Refusal refusal =
                  found.isEmpty()
                      ? new BatchAck.Refusal(
                          executionId,
                          HttpStatus.NOT_FOUND.value(),
                          "execution '" + executionId + "' does not exist",
                          count)
                      : new BatchAck.Refusal(
                          executionId,
                          HttpStatus.FORBIDDEN.value(),
                          "execution '"
                              + executionId
                              + "': machine '"
                              + machine.name()
                              + "' was given no work of it",
                          count);
              log.warn(
                  "events of machine '{}': {} refused ({}): {}",
                  machine.name(),
                  count,
                  refusal.status(),
                  refusal.detail());
              refused.add(refusal);
              return Mono.empty();
            });
  }

  private static List<AgentEvent> accepted(
      List<AgentEvent> events, List<BatchAck.Refusal> refused) {
    if (refused.isEmpty()) {
      return events;
    }
    Set<String> ids = new HashSet<>();
    refused.forEach(r -> ids.add(r.executionId()));
    return events.stream().filter(e -> !ids.contains(e.executionId())).toList();
  }

  /**
   * Whether the execution may have given this machine work: it is listed on the execution (at
   * compose, or added by its first {@code running} event), or it is the execution's target machine,
   * or, outside stress mode, it is in the target group or matches the target selector now: such a
   * machine takes work from the group or pool queue and is listed only once its {@code running}
   * event is stored, which may come in the same batch as its results. Stress mode sends work to the
   * machines listed at compose only.
   */
  static boolean takesPart(MachineDocument machine, ExecutionDocument execution) {
    if (execution.machines() != null
        && execution.machines().stream().anyMatch(run -> machine.name().equals(run.name()))) {
      return true;
    }
    ConfigurationDocument configuration = execution.configuration();
    Target target = configuration == null ? null : configuration.target();
    if (target == null) {
      return false;
    }
    return target.takesPart(machine, configuration.runMode());
  }

  /**
   * One execution's part of a batch: its results, then its log chunks, then its state events, each
   * one append (a few writes per batch, whatever its size). Results before states, so a terminal
   * state is never stored before the results it covers.
   */
  private Mono<Void> ingest(
      MachineDocument machine, ExecutionDocument execution, List<AgentEvent> events) {
    String executionId = execution.id();
    return storedFiles(executionId, events)
        .flatMap(
            stored -> {
              List<ResultDocument> resulted = new ArrayList<>();
              List<LogChunkDocument> chunks = new ArrayList<>();
              List<StateEventDocument> states = new ArrayList<>();
              Instant now = Instant.now();
              for (AgentEvent event : events) {
                Instant at = Instant.ofEpochMilli(event.at());
                switch (event.type()) {
                  case AgentEvent.RESULT ->
                      resulted.add(result(machine, event, execution, stored, now));
                  case AgentEvent.LOG -> chunks.add(chunk(machine, event, at));
                  default -> // a state: validated before
                      states.add(
                          new StateEventDocument(
                              event.key(), executionId, machine.name(), event.state(), null, at));
                }
              }
              Mono<Void> started =
                  states.stream()
                      .filter(state -> "running".equals(state.state()))
                      .findFirst()
                      .map(state -> started(machine, executionId, state.at()))
                      .orElse(Mono.empty());
              return storeResults(execution, resulted)
                  .doOnSuccess(done -> resulted.forEach(r -> metrics.resultIngested(r.status())))
                  .then(results.appendLogs(executionId, chunks))
                  .then(results.appendStates(executionId, states))
                  .then(started);
            });
  }

  /**
   * Stores results under a result ticket of the execution ({@link
   * ExecutionStore#takeResultTicket}): while it is active, the ticket makes its {@code complete}
   * wait for (or count again with) these results; once it is terminal no ticket is given and they
   * are stored late. So a result stored while {@code complete} runs is either counted or late,
   * never neither. A process that dies holding a ticket makes {@code complete} wait until its grace
   * period forces it; the agent sends the batch again, and what is appended last wins.
   */
  private Mono<Void> storeResults(ExecutionDocument execution, List<ResultDocument> resulted) {
    if (resulted.isEmpty()) {
      return Mono.empty();
    }
    if (execution.state().isTerminal()) {
      return results.appendResults(execution.id(), resulted);
    }
    return executions
        .takeResultTicket(execution.id())
        .flatMap(
            taken ->
                taken
                    ? results
                        .appendResults(execution.id(), resulted)
                        .then(executions.resultTicketStored(execution.id()))
                    : results.appendResults(
                        execution.id(), resulted.stream().map(AgentEventIngestor::late).toList()));
  }

  /** The result as stored for an execution that has ended: kept, not counted. */
  private static ResultDocument late(ResultDocument r) {
    return new ResultDocument(
        r.id(),
        r.executionId(),
        r.testId(),
        r.caseName(),
        r.machine(),
        r.attempt(),
        r.status(),
        r.message(),
        r.description(),
        r.durationMs(),
        r.attachments(),
        r.screenshots(),
        r.custom(),
        r.startedAt(),
        r.finishedAt(),
        true,
        r.receivedAt());
  }

  private static LogChunkDocument chunk(MachineDocument machine, AgentEvent event, Instant at) {
    return new LogChunkDocument(
        event.key(),
        event.executionId(),
        event.testId(),
        machine.name(),
        event.attempt(),
        event.stage(),
        event.stream(),
        event.seq() == null ? 0 : event.seq(),
        truncate(event.text(), MAX_LOG_CHUNK),
        at);
  }

  /**
   * Marks the machine and a pending execution running (the agent signals the workflow itself). The
   * execution's start (its first machine; in stress mode its last) ends its dispatch latency.
   */
  private Mono<Void> started(MachineDocument machine, String executionId, Instant at) {
    return lifecycle
        .machineStarted(executionId, machine.id(), machine.name(), at)
        .doOnNext(execution -> metrics.executionStarted(execution, at))
        .then();
  }

  /**
   * The files the results of the batch reference, by id: a key lookup each, and only files uploaded
   * for this execution. An id that is not one of them is left out of its result.
   */
  private Mono<Map<String, StoredFile>> storedFiles(String executionId, List<AgentEvent> events) {
    Set<String> ids = new LinkedHashSet<>();
    for (AgentEvent event : events) {
      if (AgentEvent.RESULT.equals(event.type())) {
        ids.addAll(limit(event.attachments()));
        ids.addAll(limit(event.screenshots()));
      }
    }
    return Flux.fromIterable(ids)
        .flatMap(id -> files.find(executionId, id), 8)
        .collectMap(StoredFile::id);
  }

  private static ResultDocument result(
      MachineDocument machine,
      AgentEvent event,
      ExecutionDocument execution,
      Map<String, StoredFile> stored,
      Instant now) {
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
        truncate(event.message(), MAX_TEXT),
        truncate(event.description(), MAX_TEXT),
        event.durationMs(),
        limit(event.attachments()).stream().map(stored::get).filter(Objects::nonNull).toList(),
        limit(event.screenshots()).stream().map(stored::get).filter(Objects::nonNull).toList(),
        custom(event.custom()),
        event.startedAt() == null ? null : Instant.ofEpochMilli(event.startedAt()),
        event.finishedAt() == null ? null : Instant.ofEpochMilli(event.finishedAt()),
        // The execution is complete once it is terminal: later results are kept but not counted.
        execution.state().isTerminal(),
        now);
  }

  /** The states an agent may report of its part of an execution (docs/agent.md). */
  private static final Set<String> STATES = Set.of("running", "finished", "canceled", "timeout");

  /**
   * Refuses a malformed event with a 400 naming its field ({@code events[3].state: required}):
   * storing it would fail later, as a 500 the agent retries forever.
   */
  private static void validate(AgentEvent event, String at) {
    if (event == null) {
      throw new InvalidInputException(at + ": required");
    }
    if (event.key() == null || event.key().isBlank() || event.key().length() > 300) {
      throw new InvalidInputException(at + ".key: required, at most 300 characters");
    }
    if (event.type() == null || event.type().isBlank()) {
      throw new InvalidInputException(at + ".type: required (state, result or log)");
    }
    if (event.executionId() == null || event.executionId().isBlank()) {
      throw new InvalidInputException(at + ".executionId: required");
    }
    switch (event.type()) {
      case AgentEvent.STATE -> {
        if (event.state() == null || event.state().isBlank()) {
          throw new InvalidInputException(at + ".state: required");
        }
        if (!STATES.contains(event.state())) {
          throw new InvalidInputException(
              at
                  + ".state: running, finished, canceled or timeout, not '"
                  + cut(event.state())
                  + "'");
        }
      }
      case AgentEvent.RESULT -> {
        if (event.testId() == null || event.testId().isBlank()) {
          throw new InvalidInputException(at + ".testId: required for a result");
        }
        try {
          TestStatus.valueOf(String.valueOf(event.status()));
        } catch (IllegalArgumentException e) {
          throw new InvalidInputException(
              at
                  + ".status: ok, failed, partial or inconclusive, not '"
                  + cut(event.status())
                  + "'");
        }
      }
      case AgentEvent.LOG -> {
        if (event.text() == null) {
          throw new InvalidInputException(at + ".text: required for a log chunk");
        }
      }
      default ->
          throw new InvalidInputException(
              at + ".type: state, result or log, not '" + cut(event.type()) + "'");
    }
  }

  private static String cut(String text) {
    return text == null || text.length() <= 40 ? String.valueOf(text) : text.substring(0, 40) + "…";
  }

  /** At most {@value #MAX_CUSTOM} custom values, keys and values cut to size. */
  private static Map<String, String> custom(Map<String, String> custom) {
    if (custom == null) {
      return Map.of();
    }
    Map<String, String> kept = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : custom.entrySet()) {
      if (kept.size() == MAX_CUSTOM) {
        break;
      }
      kept.put(
          truncate(String.valueOf(entry.getKey()), MAX_CUSTOM_KEY),
          truncate(entry.getValue(), MAX_CUSTOM_VALUE));
    }
    return kept;
  }

  /** At most {@value #MAX_FILES} attachment or screenshot ids. */
  private static List<String> limit(List<String> ids) {
    if (ids == null) {
      return List.of();
    }
    return ids.stream().filter(Objects::nonNull).distinct().limit(MAX_FILES).toList();
  }

  private static String truncate(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max) + "…[truncated]";
  }
}
