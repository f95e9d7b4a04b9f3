package io.cta.server.execution;

import static io.cta.server.Fixtures.result;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cta.activities.TestStatus;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The counting rules of docs/design.md#counting. */
class CountingTest {

  @Test
  void givenTwoAttemptsOfOneTest_whenCounting_thenTheHighestAttemptWinsWhateverTheOrder() {
    List<ResultDocument> stored =
        List.of(
            result("t1", "m2", 2, TestStatus.ok, false),
            result("t1", "m1", 1, TestStatus.failed, false));

    Counters counters = Counting.count(stored, false);

    assertEquals(new Counters(1, 0, 0, 0), counters);
    assertEquals(TestStatus.ok, counters.result());
  }

  @Test
  void givenStressMode_whenCounting_thenEachMachineCountsOnce() {
    List<ResultDocument> stored =
        List.of(
            result("t1", "m1", 1, TestStatus.ok, false),
            result("t1", "m2", 1, TestStatus.partial, false));

    Counters counters = Counting.count(stored, true);

    assertEquals(new Counters(1, 0, 1, 0), counters);
    assertEquals(TestStatus.partial, counters.result());
  }

  @Test
  void givenALateResult_whenCounting_thenItIsNotCounted() {
    List<ResultDocument> stored =
        List.of(
            result("t1", "m1", 1, TestStatus.ok, false),
            result("t2", "m1", 1, TestStatus.failed, true));

    assertEquals(new Counters(1, 0, 0, 0), Counting.count(stored, false));
  }

  @Test
  void givenEveryStatus_whenCounting_thenFailedBeatsPartialBeatsInconclusiveBeatsOk() {
    assertEquals(TestStatus.failed, new Counters(5, 1, 1, 1).result());
    assertEquals(TestStatus.partial, new Counters(5, 0, 1, 1).result());
    assertEquals(TestStatus.inconclusive, new Counters(5, 0, 0, 1).result());
    assertEquals(null, Counters.ZERO.result());
  }

  @Test
  void givenResults_whenAskingWhichTestsEndedOk_thenEveryCountedKeyMustBeOk() {
    List<ResultDocument> stored =
        List.of(
            result("stable", "m1", 1, TestStatus.ok, false),
            result("retried", "m1", 1, TestStatus.failed, false),
            result("retried", "m1", 2, TestStatus.ok, false),
            result("broken", "m1", 1, TestStatus.ok, false),
            result("broken", "m1", 2, TestStatus.partial, false),
            result("lateFailure", "m1", 1, TestStatus.ok, false),
            result("lateFailure", "m1", 2, TestStatus.failed, true),
            result("oneMachine", "m1", 2, TestStatus.ok, false),
            result("oneMachine", "m2", 1, TestStatus.inconclusive, false));

    assertEquals(
        Set.of("stable", "retried", "lateFailure", "oneMachine"),
        Counting.okTests(stored, false),
        "one key per test: attempt 2 on m1 supersedes m2's");
    assertEquals(
        Set.of("stable", "retried", "lateFailure"),
        Counting.okTests(stored, true),
        "stress: every machine's key must be ok");
  }
}
