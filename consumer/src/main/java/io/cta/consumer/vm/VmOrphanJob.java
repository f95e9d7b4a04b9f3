package io.cta.consumer.vm;

import io.cta.consumer.periodic.PeriodicJob;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs the orphan pass (docs/vm-manager.md#orphans) every {@code cta.consumer.vm.orphan-interval},
 * once the consumer offers a provider; without one there is nothing to pass over.
 */
@Component
class VmOrphanJob implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(VmOrphanJob.class);

  private final PeriodicJob job;
  private final boolean enabled;

  VmOrphanJob(VmOrphans orphans, VmConfiguration.VmProviders providers, VmProperties properties) {
    this.enabled = !providers.all().isEmpty();
    this.job =
        new PeriodicJob(
            "destroying orphan VM instances",
            Duration.ZERO,
            properties.orphanInterval(),
            // Provider calls block: never on the timer's thread.
            () ->
                Mono.fromRunnable(() -> orphans.pass(Instant.now()))
                    .subscribeOn(Schedulers.boundedElastic()),
            log);
  }

  @Override
  public void start() {
    if (enabled) {
      job.start();
    }
  }

  @Override
  public void stop() {
    job.stop();
  }

  @Override
  public boolean isRunning() {
    return job.isRunning();
  }
}
