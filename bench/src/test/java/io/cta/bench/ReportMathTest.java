package io.cta.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The arithmetic behind the printed numbers; no benchmark runs here. */
class ReportMathTest {

  @Test
  void givenOneToHundred_whenSummarized_thenNearestRankPercentilesAndMean() {
    List<Long> samples = new ArrayList<>();
    for (long i = 100; i >= 1; i--) {
      samples.add(i);
    }

    Stats stats = Stats.of(samples);

    assertEquals(100, stats.count());
    assertEquals(50, stats.p50());
    assertEquals(99, stats.p99());
    assertEquals(50.5, stats.mean());
  }

  @Test
  void givenFewSamples_whenSummarized_thenP99IsTheLargestAndEmptyIsNaN() {
    assertEquals(9, Stats.of(List.of(3L, 9L, 1L)).p99());
    assertEquals(3, Stats.of(List.of(3L, 9L, 1L)).p50());
    assertEquals(Double.NaN, Stats.of(List.of()).p50());
    assertEquals(250.0, Stats.perSecond(500, 2000));
  }

  @Test
  void givenATimelineWithAnAbsentInstant_whenSplit_thenStepsSpanFromThePreviousPresentOne() {
    Timeline timeline =
        new Timeline().at("a", 1000).at("b", 1010).at("absent", 0).at("c", 1050).at("b", 1060);

    assertEquals(Map.of("a → b", 10L, "b → c", 40L, "c → b", 10L), timeline.steps());
    assertEquals(60, timeline.total());
  }

  @Test
  void givenTargets_whenJudged_thenMetOrMissedByHowMuch() {
    Report.Target ratio = new Report.Target("≥ 0.60× baseline", 0.6, false, "×");
    Report.Target latency = new Report.Target("≤ 50 ms", 50, true, "ms");

    assertEquals("met", ratio.verdict(70, 0.7));
    assertEquals("MISSED by 0.30× (50% short)", ratio.verdict(30, 0.3));
    assertEquals("met", latency.verdict(50, 5));
    assertEquals("MISSED by 25 ms (50% over)", latency.verdict(75, 5));
    assertEquals(
        "MISSED by 0.50× (33% over)", new Report.Target("≤ 1.5×", 1.5, true, "×").verdict(1, 2.0));
    assertEquals("n/a", latency.verdict(Double.NaN, 1));
  }
}
