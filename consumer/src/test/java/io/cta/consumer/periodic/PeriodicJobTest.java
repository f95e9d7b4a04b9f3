package io.cta.consumer.periodic;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

class PeriodicJobTest {

  private PeriodicJob job;

  @AfterEach
  void stop() {
    if (job != null) {
      job.stop();
    }
  }

  @Test
  void givenAPassThatFailsFirst_whenTheJobTicks_thenLaterPassesStillRun() {
    AtomicInteger passes = new AtomicInteger();
    job =
        job(
            Duration.ofMillis(20),
            () ->
                passes.incrementAndGet() == 1
                    ? Mono.error(new IllegalStateException("MongoDB unreachable"))
                    : Mono.just(1L));

    job.start();

    assertTrue(job.isRunning());
    await().atMost(Duration.ofSeconds(5)).until(() -> passes.get() >= 3);
  }

  @Test
  void givenASlowPass_whenTicksComeFasterThanItEnds_thenPassesNeverOverlap() {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    AtomicInteger ended = new AtomicInteger();
    job =
        job(
            Duration.ofMillis(10),
            () ->
                Mono.fromRunnable(
                        () -> mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max))
                    .then(Mono.delay(Duration.ofMillis(100)))
                    .doFinally(
                        signal -> {
                          running.decrementAndGet();
                          ended.incrementAndGet();
                        }));

    job.start();

    await().atMost(Duration.ofSeconds(5)).until(() -> ended.get() >= 3);
    assertEquals(1, mostAtOnce.get());
  }

  @Test
  void givenARunningJob_whenStopped_thenNoPassRunsAnyMore() {
    AtomicInteger passes = new AtomicInteger();
    job = job(Duration.ofMillis(20), () -> Mono.fromRunnable(passes::incrementAndGet));
    job.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> passes.get() >= 1);

    job.stop();
    int stoppedAt = passes.get();

    assertFalse(job.isRunning());
    // Several intervals go by with the job stopped: the count must stay where it was.
    await()
        .pollDelay(Duration.ofMillis(200))
        .atMost(Duration.ofSeconds(1))
        .until(() -> passes.get() == stoppedAt);
  }

  private static PeriodicJob job(Duration every, java.util.function.Supplier<Mono<?>> pass) {
    return new PeriodicJob(
        "test pass", Duration.ZERO, every, pass, LoggerFactory.getLogger(PeriodicJobTest.class));
  }
}
