package io.cta.consumer.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cta.activities.events.AgentEvent;
import io.cta.server.live.LiveEvent;
import io.cta.server.live.LiveFeedStore.Draft;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What live clients see of an ingested batch stays small whatever the batch holds. */
class LiveDraftsTest {

  @Test
  void givenABigBatchForTwoExecutions_whenSummarised_thenOneCappedEventPerKindAndExecution() {
    List<AgentEvent> batch = new ArrayList<>();
    batch.add(AgentEvent.state("s1", "e1", "running", 1));
    for (int i = 0; i < 60; i++) {
      batch.add(AgentEvent.result("r" + i, "e1", "t" + i, 1, "", "ok", "x".repeat(500), 1, 2));
    }
    batch.add(AgentEvent.result("other", "e2", "t", 1, "", "failed", "boom", 1, 2));
    for (int i = 0; i < 5; i++) {
      batch.add(AgentEvent.log("l" + i, "e1", "t0", 1, "run", "stdout", i, "y".repeat(3000), 1));
    }

    List<Draft> drafts = LiveDrafts.of("m1", batch);

    assertEquals(
        List.of(
            LiveEvent.EXECUTION_MACHINE + " e1",
            LiveEvent.RESULTS + " e1",
            LiveEvent.RESULTS + " e2",
            LiveEvent.LOGS + " e1"),
        drafts.stream().map(d -> d.type() + " " + d.executionId()).toList());
    Map<String, Object> results = drafts.get(1).data();
    assertEquals(60, results.get("count"));
    assertEquals(LiveDrafts.MAX_RESULTS, ((List<?>) results.get("results")).size());
    assertEquals(true, results.get("truncated"));
    Map<?, ?> first = (Map<?, ?>) ((List<?>) results.get("results")).get(0);
    assertEquals(201, ((String) first.get("message")).length(), "cut at 200 characters and …");
    assertEquals(false, drafts.get(2).data().get("truncated"));
    List<?> chunks = (List<?>) drafts.get(3).data().get("chunks");
    int chars =
        chunks.stream().mapToInt(c -> ((String) ((Map<?, ?>) c).get("text")).length()).sum();
    assertEquals(LiveDrafts.MAX_LOG_CHARS, chars);
    assertEquals(true, drafts.get(3).data().get("truncated"));
  }
}
