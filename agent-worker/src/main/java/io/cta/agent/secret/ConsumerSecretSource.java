package io.cta.agent.secret;

import io.cta.agent.ConsumerClient;
import java.io.IOException;

/** Fetches secrets from the consumer with the agent's token: {@code POST /agent/v1/secrets}. */
public final class ConsumerSecretSource implements SecretSource {

  private final ConsumerClient consumer;

  public ConsumerSecretSource(ConsumerClient consumer) {
    this.consumer = consumer;
  }

  @Override
  public Answer fetch(Request request) throws IOException {
    return consumer.post("agent/v1/secrets", request, Answer.class);
  }
}
