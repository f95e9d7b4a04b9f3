package io.cta.server.temporal;

import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import org.springframework.boot.health.contributor.AbstractReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Temporal health: CTA's namespace can be described (works on a cluster and the test server). */
@Component("temporalHealthIndicator")
class TemporalHealthIndicator extends AbstractReactiveHealthIndicator {

  private final WorkflowClient client;

  TemporalHealthIndicator(WorkflowClient client) {
    super("Temporal health check failed");
    this.client = client;
  }

  @Override
  protected Mono<Health> doHealthCheck(Health.Builder builder) {
    String namespace = client.getOptions().getNamespace();
    return Mono.fromCallable(
            () ->
                client
                    .getWorkflowServiceStubs()
                    .blockingStub()
                    .withDeadlineAfter(2, java.util.concurrent.TimeUnit.SECONDS)
                    .describeNamespace(
                        DescribeNamespaceRequest.newBuilder().setNamespace(namespace).build()))
        .subscribeOn(Schedulers.boundedElastic())
        .timeout(Duration.ofSeconds(3))
        .map(answer -> builder.up().withDetail("namespace", namespace).build());
  }
}
