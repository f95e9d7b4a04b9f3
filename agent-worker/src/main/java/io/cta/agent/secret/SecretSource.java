package io.cta.agent.secret;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Where an agent fetches the values of the secrets a test references: the consumer. */
@FunctionalInterface
public interface SecretSource {

  /**
   * Fetches the values of {@code request.names()}, for that test attempt only.
   *
   * @throws IOException when the source is unreachable or refuses; {@link
   *     io.cta.agent.ConsumerClient.ConsumerException} says which
   */
  Answer fetch(Request request) throws IOException;

  /** The body of {@code POST /agent/v1/secrets}: the fetch is bound to this test attempt. */
  record Request(String executionId, String testId, int attempt, List<String> names) {}

  /**
   * The answer: values by name, and the names that do not exist (any more).
   *
   * <p>{@link #toString} leaves the values out, so that logging an answer cannot leak them.
   */
  record Answer(Map<String, String> values, List<String> missing) {

    public Answer {
      values = values == null ? Map.of() : Map.copyOf(values);
      missing = missing == null ? List.of() : List.copyOf(missing);
    }

    @Override
    public String toString() {
      return "Answer[values=" + values.keySet() + ", missing=" + missing + "]";
    }
  }
}
