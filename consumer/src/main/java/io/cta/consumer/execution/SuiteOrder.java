package io.cta.consumer.execution;

import io.cta.activities.FailureType;
import io.cta.activities.RunMode;
import io.cta.activities.agent.StageSpec;
import io.cta.activities.agent.TestSpec;
import io.cta.activities.server.LoadTestsRequest;
import io.cta.server.definition.StageDefinition;
import io.cta.server.definition.TestDefinition;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.SuiteSnapshot;
import io.cta.server.history.TestHistoryStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.springframework.stereotype.Component;

/**
 * The order an execution dispatches its suite in, and the lanes' pages of it. The ordered suites of
 * the last few executions stay in memory, so lanes of large executions page through them without
 * reading the snapshot again.
 */
@Component
public class SuiteOrder {

  private final ExecutionStore executions;
  private final TestHistoryStore history;
  private final Map<String, List<TestSpec>> ordered =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, List<TestSpec>> eldest) {
              return size() > 8; // lanes of a few large executions at once
            }
          });

  public SuiteOrder(ExecutionStore executions, TestHistoryStore history) {
    this.executions = executions;
    this.history = history;
  }

  /**
   * The suite in dispatch order. A parallel execution releases the longest tests first (by their
   * recent durations in the test history; tests never measured count as longest, so they are
   * measured early); other modes keep the suite's order. The order is stored so that every lane
   * loads the same one.
   */
  List<TestSpec> order(ExecutionDocument execution, SuiteSnapshot snapshot) {
    List<TestDefinition> suite = snapshot.suite().tests();
    List<Integer> order = IntStream.range(0, suite.size()).boxed().collect(Collectors.toList());
    if (execution.configuration().runMode() == RunMode.parallel) {
      Map<String, Long> estimates =
          history
              .estimates(snapshot.suite().id(), suite.stream().map(TestDefinition::id).toList())
              .block();
      order.sort(
          Comparator.comparingLong(
              (Integer i) -> -estimates.getOrDefault(suite.get(i).id(), Long.MAX_VALUE / 2)));
      executions.saveSnapshot(new SuiteSnapshot(snapshot.id(), snapshot.suite(), order)).block();
    }
    List<TestSpec> tests = order.stream().map(i -> spec(suite.get(i))).toList();
    ordered.put(execution.id(), tests);
    return tests;
  }

  /** One lane's page: every {@code lanes}-th test from the lane's index. */
  List<TestSpec> page(LoadTestsRequest request) {
    List<TestSpec> tests = ordered.get(request.executionId());
    if (tests == null) {
      // Another consumer composed it, or this one restarted: the stored order is the same.
      SuiteSnapshot snapshot = executions.snapshot(request.executionId()).block();
      if (snapshot == null) {
        throw FailureType.NOT_FOUND.nonRetryable(
            "execution " + request.executionId() + " has no suite snapshot");
      }
      List<TestDefinition> suite = snapshot.suite().tests();
      tests =
          snapshot.order() == null
              ? suite.stream().map(SuiteOrder::spec).toList()
              : snapshot.order().stream().map(i -> spec(suite.get(i))).toList();
      ordered.put(request.executionId(), tests);
    }
    List<TestSpec> share = new ArrayList<>();
    for (long i = request.lane() + (long) request.from() * request.lanes();
        i < tests.size() && share.size() < request.limit();
        i += request.lanes()) {
      share.add(tests.get((int) i));
    }
    return share;
  }

  /** The execution ended: its lanes load nothing more. */
  void forget(String executionId) {
    ordered.remove(executionId);
  }

  private static TestSpec spec(TestDefinition test) {
    return new TestSpec(
        test.id(),
        test.name(),
        test.type(),
        test.reports(),
        test.stages().stream().map(SuiteOrder::spec).toList());
  }

  private static StageSpec spec(StageDefinition stage) {
    return new StageSpec(
        stage.name(),
        stage.run(),
        stage.stop(),
        stage.cwd(),
        stage.env(),
        stage.mandatory(),
        stage.timeout());
  }
}
