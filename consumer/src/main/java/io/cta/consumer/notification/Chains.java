package io.cta.consumer.notification;

import io.cta.consumer.config.ConsumerProperties;
import io.cta.server.definition.Notification;
import io.cta.server.error.CtaException;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.scenario.ScenarioRunner;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Chain notifications: an ended execution runs another scenario, with a loop guard. */
@Component
class Chains {

  private final ScenarioRunner runner;
  private final ConsumerProperties.Notifications settings;

  Chains(ScenarioRunner runner, ConsumerProperties properties) {
    this.runner = runner;
    this.settings = properties.notifications();
  }

  /**
   * Runs the chained scenario the way the api runs one (concurrency limits apply), as an execution
   * one chain deeper. Its id derives from this execution and notification: a retry never starts a
   * second one.
   */
  String start(ExecutionDocument source, int index, Notification chain) {
    if (source.chainDepth() >= settings.maxChainDepth()) {
      throw new DeliveryException(
          "not started: execution "
              + source.id()
              + " is "
              + source.chainDepth()
              + " chain(s) deep, the limit (cta.consumer.notifications.max-chain-depth);"
              + " a loop such as A -> B -> A ends here",
          null,
          true);
    }
    String id =
        "chain-"
            + UUID.nameUUIDFromBytes((source.id() + "#" + index).getBytes(StandardCharsets.UTF_8));
    try {
      return runner
          .run(
              chain.scenarioId(),
              new ScenarioRunner.Run(
                  id,
                  source.priority(),
                  "chained from " + source.scenarioName() + " #" + source.number(),
                  "chain",
                  source.chainDepth() + 1))
          .block()
          .id();
    } catch (CtaException e) {
      // The scenario is gone or refuses the run (its concurrency limit): no retry helps.
      throw new DeliveryException(e.getMessage(), null, true);
    }
  }
}
