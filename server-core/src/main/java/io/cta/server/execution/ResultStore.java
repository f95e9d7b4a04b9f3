package io.cta.server.execution;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Results, log chunks and per-machine state events of executions, in {@link BucketStore} per
 * execution: every read and write is by {@code _id}. Agents may deliver an event twice; what is
 * read back holds each once: results by counting key (the later report of a key wins), log chunks
 * and state events by the agent's idempotency key.
 */
@Component
public class ResultStore {

  /** Bounded so that a bucket of the largest possible entries stays far below 16 MB. */
  static final int RESULTS_PER_BUCKET = 100;

  public static final int LOGS_PER_BUCKET = 64;
  static final int STATES_PER_BUCKET = 200;

  private final BucketStore<ResultDocument> results;
  private final BucketStore<LogChunkDocument> logs;
  private final BucketStore<StateEventDocument> states;

  public ResultStore(ReactiveMongoTemplate mongo) {
    this.results =
        new BucketStore<>(mongo, "result-buckets", EntryCodecs.RESULT, RESULTS_PER_BUCKET);
    this.logs = new BucketStore<>(mongo, "log-buckets", EntryCodecs.LOG_CHUNK, LOGS_PER_BUCKET);
    this.states =
        new BucketStore<>(mongo, "state-buckets", EntryCodecs.STATE_EVENT, STATES_PER_BUCKET);
  }

  public Mono<Void> appendResults(String executionId, List<ResultDocument> batch) {
    return results.append(executionId, batch);
  }

  public Mono<Void> appendLogs(String executionId, List<LogChunkDocument> batch) {
    return logs.append(executionId, batch);
  }

  public Mono<Void> appendStates(String executionId, List<StateEventDocument> batch) {
    return states.append(executionId, batch);
  }

  /** The execution's results, one per counting key and attempt, by test, case and attempt. */
  public Flux<ResultDocument> results(String executionId) {
    return unique(
        results.all(executionId),
        ResultDocument::id,
        Comparator.comparing(ResultDocument::testId)
            .thenComparing(ResultDocument::caseName)
            .thenComparingInt(ResultDocument::attempt)
            .thenComparing(ResultDocument::machine));
  }

  public Flux<LogChunkDocument> logs(String executionId) {
    return unique(
        logs.all(executionId),
        LogChunkDocument::id,
        Comparator.comparing(LogChunkDocument::at).thenComparingLong(LogChunkDocument::seq));
  }

  /**
   * A page of the execution's log chunks after position {@code after}, in the order they were
   * stored, for tailing (docs/api.md#logs). Reads at most about a thousand chunks whatever the
   * filter, so a page may hold fewer than {@code size} while {@code next} says more follow. A chunk
   * an agent delivered twice is shown once per page; a redelivery stored later may show again.
   *
   * @param settled the execution ended: nothing is still being appended, so a bucket left short by
   *     a failed append does not stop the reading
   */
  public Mono<LogPage> logsAfter(
      String executionId, long after, int size, LogFilter filter, boolean settled) {
    int buckets = size / LOGS_PER_BUCKET + TAIL_SCAN_BUCKETS;
    return logs.after(executionId, after, buckets, settled)
        .map(
            slice -> {
              List<LogEntry> items = new ArrayList<>();
              Set<String> seen = new HashSet<>();
              long scanned = after;
              for (BucketStore.Positioned<LogChunkDocument> read : slice.entries()) {
                if (items.size() == size) {
                  return new LogPage(items, scanned);
                }
                scanned = read.position();
                LogChunkDocument chunk = read.entry();
                if (seen.add(chunk.id()) && filter.test(chunk)) {
                  items.add(new LogEntry(read.position(), chunk));
                }
              }
              return new LogPage(items, slice.more() ? scanned : null);
            });
  }

  /** How many log buckets beyond a page's own a tail read may scan to fill it through a filter. */
  static final int TAIL_SCAN_BUCKETS = 16;

  /** Which chunks a log page keeps; a null field keeps any. */
  public record LogFilter(String testId, String stage, String machine) {
    public boolean test(LogChunkDocument chunk) {
      return (testId == null || testId.equals(chunk.testId()))
          && (stage == null || stage.equals(chunk.stage()))
          && (machine == null || machine.equals(chunk.machine()));
    }
  }

  /** A log chunk and its position in the execution's log, the cursor to read on after it. */
  public record LogEntry(long position, LogChunkDocument chunk) {}

  /**
   * @param next the {@code after} to read the following chunks with, or null when none are stored
   *     yet beyond these
   */
  public record LogPage(List<LogEntry> items, Long next) {}

  public Flux<StateEventDocument> states(String executionId) {
    return unique(
        states.all(executionId),
        StateEventDocument::id,
        Comparator.comparing(StateEventDocument::at));
  }

  /** Deletes everything stored for the execution (retention). */
  public Mono<Void> delete(String executionId) {
    return results
        .delete(executionId)
        .then(logs.delete(executionId))
        .then(states.delete(executionId));
  }

  /** The last entry read for each id, in {@code order}. */
  private static <T> Flux<T> unique(Flux<T> appended, Function<T, String> id, Comparator<T> order) {
    return appended
        .collectList()
        .flatMapIterable(
            all -> {
              Map<String, T> byId = new LinkedHashMap<>();
              for (T entry : all) {
                byId.put(id.apply(entry), entry);
              }
              List<T> unique = new ArrayList<>(byId.values());
              unique.sort(order);
              return unique;
            });
  }
}
