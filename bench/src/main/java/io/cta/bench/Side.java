package io.cta.bench;

import java.time.Duration;
import java.util.Map;

/** One side of the comparison: the bare baseline or CTA, each able to run the same work. */
interface Side {

  /** One finished run: its id, when the client asked (epoch ms), when it saw the end, a detail. */
  record Sample(String id, long requested, long ended, long reported) {}

  /**
   * What is known of a run once it ended.
   *
   * @param dispatched when the no-op command started (epoch ms)
   * @param problem null when the run ended as expected, else what went wrong
   */
  record Detail(long dispatched, Timeline timeline, String problem) {}

  /**
   * A fan-out of many no-op tests in one run.
   *
   * @param skipped why it did not run, or null
   * @param millis request to end as the client saw it
   * @param historyEvents events of the largest workflow run involved
   * @param cpu CPU used from the request to the end
   */
  record FanOut(
      String skipped,
      int tests,
      long millis,
      Timeline timeline,
      int historyEvents,
      Cpu.Use cpu,
      String note) {

    static FanOut skipped(String why) {
      return new FanOut(why, 0, 0, new Timeline(), 0, new Cpu.Use(Map.of(), 1, ""), null);
    }
  }

  String name();

  /** Runs one single no-op run to its end. */
  Sample once() throws Exception;

  /** Reads what the run recorded; done after the timed part, never inside it. */
  Detail detail(Sample sample) throws Exception;

  /** Runs {@code tests} no-op tests (activities) in one run spread over every worker. */
  FanOut fanOut(int tests, Duration timeout) throws Exception;
}
