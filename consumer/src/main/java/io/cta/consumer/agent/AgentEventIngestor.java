package io.cta.consumer.agent;

import io.cta.activities.RunMode;
import io.cta.activities.TestStatus;
import io.cta.activities.events.AgentEvent;
import io.cta.activities.events.BatchAck;
import io.cta.consumer.metrics.ConsumerMetrics;
import io.cta.server.definition.ConfigurationDocument;
import io.cta.server.definition.Target;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.FileStore;
import io.cta.server.execution.LogChunkDocument;
import io.cta.server.execution.ResultDocument;
import io.cta.server.execution.ResultStore;
import io.cta.server.execution.StateEventDocument;
import io.cta.server.execution.StoredFile;
import io.cta.server.live.LiveFeed;
import io.cta.server.machine.MachineDocument;
import io.cta.server.machine.Selector;
import io.cta.server.web.ApiException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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

  // Caps that keep the largest result ~70 KB, so a bucket of them stays far below 16 MB.
  private static final int MAX_TEXT = 16 * 1024;
  private static final int MAX_CUSTOM = 32;
  private static final int MAX_CUSTOM_KEY = 100;
  private static final int MAX_CUSTOM_VALUE = 1024;
  private static final int MAX_LOG_CHUNK = 64 * 1024;
  private static final int MAX_FILES = 20;

  private final ExecutionStore executions;
  private final ResultStore results;
  private final FileStore files;
  private final LiveFeed live;
  private final ConsumerMetrics metrics;

  AgentEventIngestor(
      ExecutionStore executions,
      ResultStore results,
      FileStore files,
      LiveFeed live,
      ConsumerMetrics metrics) {
    this.executions = executions;
    this.results = results;
    this.files = files;
    this.live = live;
    this.metrics = metrics;
  }

  Mono<BatchAck> ingest(MachineDocument machine, List<AgentEvent> events) {
    Map<String, List<AgentEvent>> byExecution = new LinkedHashMap<>();
    for (AgentEvent event : events) {
      validate(event);
      byExecution.computeIfAbsent(event.executionId(), id -> new ArrayList<>()).add(event);
    }
    // Every execution of the batch is found and authorized before anything is stored.
    return Flux.fromIterable(byExecution.keySet())
        .concatMap(
            id ->
                executions
                    .findById(id)
                    .switchIfEmpty(Mono.error(ApiException.notFound("execution", id)))
                    .doOnNext(execution -> authorize(machine, execution)))
        .collectList()
        .flatMapMany(Flux::fromIterable)
        .concatMap(execution -> ingest(machine, execution, byExecution.get(execution.id())))
        .then(live.publish(LiveDrafts.of(machine.name(), events)))
        .thenReturn(new BatchAck(events.size()));
  }

  /** Refuses events for an execution that gave this machine no work (403, naming it). */
  private static void authorize(MachineDocument machine, ExecutionDocument execution) {
    if (!takesPart(machine, execution)) {
      throw new ApiException(
          HttpStatus.FORBIDDEN,
          "execution '"
              + execution.id()
              + "': machine '"
              + machine.name()
              + "' was given no work of it");
    }
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
    if (target.machine() != null) {
      return target.machine().equals(machine.name()) || target.machine().equals(machine.id());
    }
    if (configuration.runMode() == RunMode.stress) {
      return false;
    }
    if (target.group() != null) {
      return machine.effective().groups().contains(target.group());
    }
    try {
      return target.selector() != null
          && Selector.parse(target.selector()).matches(machine.effective().properties());
    } catch (IllegalArgumentException unparsable) {
      return false;
    }
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
                  default ->
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
              return results
                  .appendResults(executionId, resulted)
                  .doOnSuccess(done -> resulted.forEach(r -> metrics.resultIngested(r.status())))
                  .then(results.appendLogs(executionId, chunks))
                  .then(results.appendStates(executionId, states))
                  .then(started);
            });
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
    return executions
        .markMachineRunning(executionId, machine.id(), machine.name(), at)
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
