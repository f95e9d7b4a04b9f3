package io.cta.server.execution;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.mapping.Document;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * How long each test of a suite took lately: one document per suite (a key lookup), read to release
 * the longest tests of a parallel execution first, updated when an execution completes.
 */
@Component
public class DurationStore {

  /** The weight of the newest run in the estimate (exponential moving average). */
  private static final double NEWEST = 0.5;

  @Document("test-durations")
  record SuiteDurations(@Id String suiteId, List<TestDuration> tests) {}

  record TestDuration(String testId, long ms) {}

  private final ReactiveMongoTemplate mongo;

  public DurationStore(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
  }

  /** Estimated milliseconds per test id; empty for tests that never ran. */
  public Mono<Map<String, Long>> estimates(String suiteId) {
    return mongo
        .findById(suiteId, SuiteDurations.class)
        .map(DurationStore::asMap)
        .defaultIfEmpty(Map.of());
  }

  /**
   * Folds an execution's measured durations into the estimates. Last writer wins between two
   * executions completing at once: an estimate, not a record.
   */
  public Mono<Void> record(String suiteId, Map<String, Long> measured) {
    if (measured.isEmpty()) {
      return Mono.empty();
    }
    return estimates(suiteId)
        .map(
            known -> {
              Map<String, Long> merged = new HashMap<>(known);
              measured.forEach(
                  (test, ms) ->
                      merged.merge(
                          test, ms, (old, now) -> Math.round(old * (1 - NEWEST) + now * NEWEST)));
              return new SuiteDurations(
                  suiteId,
                  merged.entrySet().stream()
                      .map(e -> new TestDuration(e.getKey(), e.getValue()))
                      .toList());
            })
        .flatMap(mongo::save)
        .then();
  }

  private static Map<String, Long> asMap(SuiteDurations durations) {
    Map<String, Long> map = new HashMap<>();
    if (durations.tests() != null) {
      durations.tests().forEach(t -> map.put(t.testId(), t.ms()));
    }
    return map;
  }
}
