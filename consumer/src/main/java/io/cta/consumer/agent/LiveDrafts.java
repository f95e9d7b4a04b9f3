package io.cta.consumer.agent;

import io.cta.activities.events.AgentEvent;
import io.cta.server.live.LiveEvent;
import io.cta.server.live.LiveFeedStore.Draft;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What live clients see of one ingested batch: each machine state change, and per execution one
 * small summary of its new results and one of its new log lines. Both are capped so an event stays
 * small; {@code truncated} tells a client to read the rest over REST.
 */
final class LiveDrafts {

  static final int MAX_RESULTS = 50;
  static final int MAX_LOG_CHARS = 8 * 1024;
  private static final int MAX_MESSAGE = 200;

  private LiveDrafts() {}

  static List<Draft> of(String machine, List<AgentEvent> events) {
    List<Draft> drafts = new ArrayList<>();
    Map<String, List<AgentEvent>> results = new LinkedHashMap<>();
    Map<String, List<AgentEvent>> logs = new LinkedHashMap<>();
    for (AgentEvent e : events) {
      switch (e.type()) {
        case AgentEvent.STATE ->
            drafts.add(
                new Draft(
                    LiveEvent.EXECUTION_MACHINE,
                    e.executionId(),
                    Map.of("machine", machine, "state", e.state(), "at", e.at())));
        case AgentEvent.RESULT ->
            results.computeIfAbsent(e.executionId(), id -> new ArrayList<>()).add(e);
        case AgentEvent.LOG ->
            logs.computeIfAbsent(e.executionId(), id -> new ArrayList<>()).add(e);
        default -> {}
      }
    }
    results.forEach((id, list) -> drafts.add(results(machine, id, list)));
    logs.forEach((id, list) -> drafts.add(logs(machine, id, list)));
    return drafts;
  }

  private static Draft results(String machine, String executionId, List<AgentEvent> results) {
    List<Map<String, Object>> shown = new ArrayList<>();
    for (AgentEvent r : results.subList(0, Math.min(MAX_RESULTS, results.size()))) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("testId", r.testId());
      result.put("case", r.caseName() == null ? "" : r.caseName());
      result.put("attempt", r.attempt());
      result.put("status", r.status());
      result.put("message", cut(r.message(), MAX_MESSAGE));
      shown.add(result);
    }
    return new Draft(
        LiveEvent.RESULTS,
        executionId,
        Map.of(
            "machine",
            machine,
            "count",
            results.size(),
            "results",
            shown,
            "truncated",
            shown.size() < results.size()));
  }

  private static Draft logs(String machine, String executionId, List<AgentEvent> chunks) {
    List<Map<String, Object>> shown = new ArrayList<>();
    int budget = MAX_LOG_CHARS;
    boolean truncated = false;
    for (AgentEvent c : chunks) {
      String text = c.text() == null ? "" : c.text();
      if (budget <= 0) {
        truncated = true;
        break;
      }
      if (text.length() > budget) {
        text = text.substring(0, budget);
        truncated = true;
      }
      budget -= text.length();
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("testId", c.testId());
      line.put("attempt", c.attempt());
      line.put("stage", c.stage());
      line.put("stream", c.stream());
      line.put("text", text);
      shown.add(line);
    }
    return new Draft(
        LiveEvent.LOGS,
        executionId,
        Map.of("machine", machine, "chunks", shown, "truncated", truncated));
  }

  private static String cut(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max) + "…";
  }
}
