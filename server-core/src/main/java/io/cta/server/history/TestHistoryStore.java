package io.cta.server.history;

import io.cta.activities.RunMode;
import io.cta.activities.TestStatus;
import io.cta.server.execution.Counting;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ResultDocument;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.BulkOperations;
import org.springframework.data.mongodb.core.ReactiveBulkOperations;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.mapping.Document;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The recent runs of each test, across executions: one document per test of a suite, keyed by
 * {@code <suiteId>/<testId>} (suite ids are ObjectId hex, so the first {@code /} separates them
 * whatever the test id holds; test ids are only ever values, never field names), holding its latest
 * {@link #MAX_RUNS} runs in completion order. Written by the consumer's {@code complete}, read by
 * the history endpoint, the results endpoint (flakiness) and {@code compose} (durations, to release
 * the longest tests first): all by {@code _id}, several at once with {@code $in}, so they stay key
 * lookups on the embedded MongoDB whatever the number of tests.
 */
@Component
public class TestHistoryStore {

  /** Runs kept per test; also the largest {@code limit} of the history endpoint. */
  public static final int MAX_RUNS = 200;

  /** The window of the history endpoint by default and of the results' flakiness. */
  public static final int DEFAULT_WINDOW = 50;

  /** A test's duration estimate is the mean of its latest runs' durations. */
  static final int ESTIMATE_RUNS = 5;

  /**
   * How far back a write looks for the execution's own earlier write (a retried {@code complete}):
   * it comes within seconds, before ten other executions of the same test can complete.
   */
  static final int GUARD_RUNS = 10;

  /** Keys per {@code $in} query. */
  static final int KEYS_PER_QUERY = 1_000;

  @Document("test-history")
  record TestHistoryDocument(@Id String id, String suiteId, String testId, List<TestRun> runs) {}

  private final ReactiveMongoTemplate mongo;

  public TestHistoryStore(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
  }

  private static String key(String suiteId, String testId) {
    return suiteId + "/" + testId;
  }

  /**
   * Appends what the execution's counted results say about each test it ran: one run per test (per
   * test and machine in stress mode). Idempotent: a test whose latest runs already hold this
   * execution is skipped, so a retried {@code complete} adds nothing twice; and readers drop a
   * duplicate anyway.
   */
  public Mono<Void> record(
      String suiteId,
      ExecutionDocument execution,
      List<ResultDocument> stored,
      Instant finishedAt) {
    Map<String, List<TestRun>> runs = runsOf(execution, stored, finishedAt);
    if (runs.isEmpty()) {
      return Mono.empty();
    }
    return recent(suiteId, runs.keySet(), GUARD_RUNS)
        .flatMap(
            known -> {
              ReactiveBulkOperations bulk =
                  mongo.bulkOps(BulkOperations.BulkMode.UNORDERED, TestHistoryDocument.class);
              int writes = 0;
              for (Map.Entry<String, List<TestRun>> test : runs.entrySet()) {
                boolean recorded =
                    known.getOrDefault(test.getKey(), List.of()).stream()
                        .anyMatch(r -> r.executionId().equals(execution.id()));
                if (recorded) {
                  continue;
                }
                bulk.upsert(
                    Query.query(Criteria.where("_id").is(key(suiteId, test.getKey()))),
                    new Update()
                        .setOnInsert("suiteId", suiteId)
                        .setOnInsert("testId", test.getKey())
                        .push("runs")
                        .slice(-MAX_RUNS)
                        .each(test.getValue().toArray()));
                writes++;
              }
              return writes == 0 ? Mono.empty() : bulk.execute().then();
            });
  }

  /** The execution's runs by test id, from its counted results. */
  private static Map<String, List<TestRun>> runsOf(
      ExecutionDocument execution, List<ResultDocument> stored, Instant finishedAt) {
    boolean stress = execution.configuration().runMode() == RunMode.stress;
    // test id -> machine (stress) or "" -> the counted results of that run
    Map<String, Map<String, List<ResultDocument>>> grouped = new LinkedHashMap<>();
    for (ResultDocument result : Counting.counted(stored, stress)) {
      grouped
          .computeIfAbsent(result.testId(), t -> new TreeMap<>())
          .computeIfAbsent(stress ? String.valueOf(result.machine()) : "", m -> new ArrayList<>())
          .add(result);
    }
    Map<String, List<TestRun>> runs = new LinkedHashMap<>();
    grouped.forEach(
        (testId, byMachine) ->
            runs.put(
                testId,
                byMachine.values().stream().map(r -> run(execution, r, finishedAt)).toList()));
    return runs;
  }

  private static TestRun run(
      ExecutionDocument execution, List<ResultDocument> counted, Instant finishedAt) {
    TestStatus status = null;
    Long duration = null;
    ResultDocument last = counted.get(0);
    Instant finished = null;
    for (ResultDocument r : counted) {
      status = TestStatus.worst(status, Counting.status(r));
      if (r.durationMs() != null) {
        duration = duration == null ? r.durationMs() : Math.max(duration, r.durationMs());
      }
      if (r.attempt() > last.attempt()) {
        last = r;
      }
      if (r.finishedAt() != null && (finished == null || r.finishedAt().isAfter(finished))) {
        finished = r.finishedAt();
      }
    }
    return new TestRun(
        execution.id(),
        execution.number(),
        execution.scenarioId(),
        execution.scenarioName(),
        status,
        duration,
        last.machine(),
        last.attempt(),
        finished == null ? finishedAt : finished);
  }

  /**
   * The latest {@code n} runs of each of these tests that has any, newest first, without
   * duplicates.
   */
  public Mono<Map<String, List<TestRun>>> recent(
      String suiteId, Collection<String> testIds, int n) {
    List<String> keys = testIds.stream().distinct().map(t -> key(suiteId, t)).toList();
    List<List<String>> chunks = new ArrayList<>();
    for (int i = 0; i < keys.size(); i += KEYS_PER_QUERY) {
      chunks.add(keys.subList(i, Math.min(keys.size(), i + KEYS_PER_QUERY)));
    }
    return Flux.fromIterable(chunks)
        .concatMap(
            chunk -> {
              Query query = Query.query(Criteria.where("_id").in(chunk));
              query.fields().slice("runs", -n);
              return mongo.find(query, TestHistoryDocument.class);
            })
        // The test id from the key: the embedded server leaves other fields out of a projection.
        .collectMap(d -> d.id().substring(suiteId.length() + 1), d -> newestFirst(d.runs()));
  }

  /** The latest {@code limit} runs of one test, newest first; empty if it never ran. */
  public Mono<List<TestRun>> runs(String suiteId, String testId, int limit) {
    return recent(suiteId, List.of(testId), limit)
        .map(byTest -> byTest.getOrDefault(testId, List.of()));
  }

  /** The flakiness of each of these tests over its latest {@link #DEFAULT_WINDOW} runs. */
  public Mono<Map<String, Flakiness>> flakiness(String suiteId, Collection<String> testIds) {
    return recent(suiteId, testIds, DEFAULT_WINDOW)
        .map(
            byTest -> {
              Map<String, Flakiness> flakiness = new HashMap<>();
              byTest.forEach((test, runs) -> flakiness.put(test, Flakiness.of(runs)));
              return flakiness;
            });
  }

  /**
   * Estimated milliseconds per test id: the mean duration of its latest runs; absent for tests that
   * never ran with a duration.
   */
  public Mono<Map<String, Long>> estimates(String suiteId, Collection<String> testIds) {
    return recent(suiteId, testIds, ESTIMATE_RUNS)
        .map(
            byTest -> {
              Map<String, Long> estimates = new HashMap<>();
              byTest.forEach(
                  (test, runs) ->
                      runs.stream()
                          .filter(r -> r.durationMs() != null)
                          .mapToLong(TestRun::durationMs)
                          .average()
                          .ifPresent(mean -> estimates.put(test, Math.round(mean))));
              return estimates;
            });
  }

  /** Newest first; a run written twice (same execution and machine) counts once, the first. */
  private static List<TestRun> newestFirst(List<TestRun> stored) {
    if (stored == null) {
      return List.of();
    }
    Set<String> seen = new HashSet<>();
    List<TestRun> unique = new ArrayList<>();
    for (TestRun run : stored) {
      if (seen.add(run.executionId() + "\u0000" + run.machine())) {
        unique.add(run);
      }
    }
    Collections.reverse(unique);
    return unique;
  }
}
