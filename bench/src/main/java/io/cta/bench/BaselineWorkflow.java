package io.cta.bench;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The bare baseline: a workflow that runs {@code activities} no-op activities at once and waits for
 * them all. Each activity spawns the process CTA's agent spawns for a stage that runs {@code true}.
 */
@WorkflowInterface
public interface BaselineWorkflow {

  /** The workflow task queue (served in the bench JVM). */
  String QUEUE = "bench-baseline";

  /** The activity task queue (served by the worker JVMs). */
  String ACTIVITY_QUEUE = "bench-baseline-activities";

  /** Answers the earliest instant (epoch ms) an activity started running its command. */
  @WorkflowMethod
  long run(int activities);

  @ActivityInterface
  interface Noop {

    /** Spawns the no-op command and answers when this activity started (epoch ms). */
    long spawn();
  }

  final class Impl implements BaselineWorkflow {

    private final Noop noop =
        Workflow.newActivityStub(
            Noop.class,
            ActivityOptions.newBuilder()
                .setTaskQueue(ACTIVITY_QUEUE)
                .setStartToCloseTimeout(Duration.ofMinutes(1))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
                .build());

    @Override
    public long run(int activities) {
      List<Promise<Long>> started = new ArrayList<>();
      for (int i = 0; i < activities; i++) {
        started.add(Async.function(noop::spawn));
      }
      long earliest = Long.MAX_VALUE;
      for (Promise<Long> promise : started) {
        earliest = Math.min(earliest, promise.get());
      }
      return earliest;
    }
  }

  /** The same process CTA's CommandLineExecutor starts for a stage running {@code true}. */
  final class NoopImpl implements Noop {

    @Override
    public long spawn() {
      long started = System.currentTimeMillis();
      ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", "true");
      builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
      builder.redirectError(ProcessBuilder.Redirect.DISCARD);
      try {
        int exit = builder.start().waitFor();
        if (exit != 0) {
          throw new IllegalStateException("true exited with " + exit);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      return started;
    }
  }
}
