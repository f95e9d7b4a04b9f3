package io.cta.consumer.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cta.activities.TestStatus;
import io.cta.server.execution.Counters;
import io.cta.server.execution.ResultDocument;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The counting rules of design.md section 2. */
class CountingTest {

  private static ResultDocument result(
      String test, String machine, int attempt, TestStatus status, boolean late) {
    return new ResultDocument(
        ResultDocument.key("e1", test, "", machine, attempt),
        "e1",
        test,
        "",
        machine,
        attempt,
        status,
        null,
        null,
        1L,
        List.of(),
        List.of(),
        Map.of(),
        Instant.EPOCH,
        Instant.EPOCH,
        late,
        Instant.EPOCH);
  }

  @Test
  void givenTwoAttemptsOfOneTest_whenCounting_thenTheHighestAttemptWinsWhateverTheOrder() {
    List<ResultDocument> stored =
        List.of(
            result("t1", "m2", 2, TestStatus.ok, false),
            result("t1", "m1", 1, TestStatus.failed, false));

    Counters counters = ServerActivitiesImpl.count(stored, false);

    assertEquals(new Counters(1, 0, 0, 0), counters);
    assertEquals(TestStatus.ok, counters.result());
  }

  @Test
  void givenStressMode_whenCounting_thenEachMachineCountsOnce() {
    List<ResultDocument> stored =
        List.of(
            result("t1", "m1", 1, TestStatus.ok, false),
            result("t1", "m2", 1, TestStatus.partial, false));

    Counters counters = ServerActivitiesImpl.count(stored, true);

    assertEquals(new Counters(1, 0, 1, 0), counters);
    assertEquals(TestStatus.partial, counters.result());
  }

  @Test
  void givenALateResult_whenCounting_thenItIsNotCounted() {
    List<ResultDocument> stored =
        List.of(
            result("t1", "m1", 1, TestStatus.ok, false),
            result("t2", "m1", 1, TestStatus.failed, true));

    assertEquals(new Counters(1, 0, 0, 0), ServerActivitiesImpl.count(stored, false));
  }

  @Test
  void givenEveryStatus_whenCounting_thenFailedBeatsPartialBeatsInconclusiveBeatsOk() {
    assertEquals(TestStatus.failed, new Counters(5, 1, 1, 1).result());
    assertEquals(TestStatus.partial, new Counters(5, 0, 1, 1).result());
    assertEquals(TestStatus.inconclusive, new Counters(5, 0, 0, 1).result());
    assertEquals(null, Counters.ZERO.result());
  }
}
