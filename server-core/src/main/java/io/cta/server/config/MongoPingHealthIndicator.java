package io.cta.server.config;

import java.time.Duration;
import org.springframework.boot.health.contributor.AbstractReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * MongoDB health by {@code ping}, which both a real MongoDB and the embedded server answer (Boot's
 * own indicator sends {@code hello}, which the embedded server does not know).
 */
@Component("mongoHealthIndicator")
class MongoPingHealthIndicator extends AbstractReactiveHealthIndicator {

  private final ReactiveMongoTemplate mongo;

  MongoPingHealthIndicator(ReactiveMongoTemplate mongo) {
    super("MongoDB health check failed");
    this.mongo = mongo;
  }

  @Override
  protected Mono<Health> doHealthCheck(Health.Builder builder) {
    // Bounded: the driver would otherwise wait for its server selection timeout (30 s).
    return mongo
        .executeCommand("{ ping: 1 }")
        .timeout(Duration.ofSeconds(3))
        .map(answer -> builder.up().build());
  }
}
