package io.cta.agent.secret;

import io.cta.agent.ConsumerClient;
import java.io.IOException;
import java.util.List;

/**
 * Fetches secrets from the consumer with the agent's token: {@code POST /agent/v1/secrets}. The
 * body names this machine too, which a token not bound to a machine needs (docs/agent.md).
 */
public final class ConsumerSecretSource implements SecretSource {

  private final ConsumerClient consumer;
  private final String machine;

  public ConsumerSecretSource(ConsumerClient consumer, String machine) {
    this.consumer = consumer;
    this.machine = machine;
  }

  /** The request body: the request and the machine that asks. */
  record Body(String executionId, String testId, int attempt, List<String> names, String machine) {}

  @Override
  public Answer fetch(Request request) throws IOException {
    Body body =
        new Body(
            request.executionId(), request.testId(), request.attempt(), request.names(), machine);
    return consumer.post("agent/v1/secrets", body, Answer.class);
  }
}
