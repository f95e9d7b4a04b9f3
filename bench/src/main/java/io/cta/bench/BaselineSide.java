package io.cta.bench;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bare Temporal: the baseline workflow runs in this JVM (as CTA's run in the consumer), its
 * activities in {@code workers} worker JVMs (as CTA's tests in the agents).
 */
final class BaselineSide implements Side, AutoCloseable {

  private final WorkflowClient client;
  private final WorkerFactory factory;
  private final List<Process> workers = new ArrayList<>();
  private final AtomicLong ids = new AtomicLong();

  private BaselineSide(WorkflowClient client) {
    this.client = client;
    this.factory = WorkerFactory.newInstance(client);
  }

  /** Starts the workflow worker here and the worker JVMs, and waits until every one polls. */
  static BaselineSide start(
      WorkflowClient client, String temporalTarget, int workers, int slots, Path logDir, Path home)
      throws IOException, InterruptedException {
    BaselineSide side = new BaselineSide(client);
    side.factory
        .newWorker(BaselineWorkflow.QUEUE)
        .registerWorkflowImplementationTypes(BaselineWorkflow.Impl.class);
    side.factory.start();
    Files.createDirectories(logDir);
    List<Path> logs = new ArrayList<>();
    for (int i = 1; i <= workers; i++) {
      Path log = logDir.resolve("baseline-worker-" + i + ".log");
      logs.add(log);
      side.workers.add(
          new ProcessBuilder(
                  BenchMain.java(
                      home,
                      "-cp",
                      System.getProperty("java.class.path"),
                      BaselineWorker.class.getName(),
                      temporalTarget,
                      String.valueOf(slots)))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start());
    }
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    for (int i = 0; i < workers; i++) {
      while (!Files.readString(logs.get(i)).contains(BaselineWorker.READY)) {
        if (!side.workers.get(i).isAlive() || System.nanoTime() > deadline) {
          side.close();
          throw new IllegalStateException("baseline worker did not start; see " + logs.get(i));
        }
        Thread.sleep(100);
      }
    }
    return side;
  }

  @Override
  public String name() {
    return "baseline";
  }

  @Override
  public Sample once() {
    String id = "baseline-" + ids.incrementAndGet();
    BaselineWorkflow workflow = stub(id, Duration.ofMinutes(5));
    long requested = System.currentTimeMillis();
    long started = workflow.run(1);
    return new Sample(id, requested, System.currentTimeMillis(), started);
  }

  @Override
  public Detail detail(Sample sample) {
    History history = History.fetch(client, sample.id());
    Timeline timeline =
        new Timeline()
            .at("client request", sample.requested())
            .at("workflow started", history.started());
    for (History.Activity activity : history.activities()) {
      timeline
          .at(activity.type() + " scheduled", activity.scheduled())
          .at(activity.type() + " started", activity.started())
          .at("command start", sample.reported())
          .at(activity.type() + " completed", activity.completed());
    }
    timeline.at("workflow closed", history.closed()).at("client sees the end", sample.ended());
    return new Detail(sample.reported(), timeline, null);
  }

  @Override
  public FanOut fanOut(int activities, Duration timeout) {
    String id = "baseline-fanout-" + ids.incrementAndGet();
    BaselineWorkflow workflow = stub(id, timeout);
    Cpu.Meter meter = new Cpu.Meter();
    long requested = System.currentTimeMillis();
    long firstCommand = workflow.run(activities);
    long ended = System.currentTimeMillis();
    Cpu.Use cpu = meter.stop();
    History history = History.fetch(client, id);
    long lastCompleted =
        history.activities().stream().mapToLong(History.Activity::completed).max().orElse(0);
    Timeline timeline =
        new Timeline()
            .at("client request", requested)
            .at("workflow started", history.started())
            .at("first command start", firstCommand)
            .at("last activity completed", lastCompleted)
            .at("workflow closed", history.closed())
            .at("client sees the end", ended);
    return new FanOut(
        null,
        activities,
        ended - requested,
        timeline,
        history.events(),
        cpu,
        history.activities().size() + " activities in one workflow run");
  }

  private BaselineWorkflow stub(String id, Duration timeout) {
    return client.newWorkflowStub(
        BaselineWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(id)
            .setTaskQueue(BaselineWorkflow.QUEUE)
            .setWorkflowRunTimeout(timeout)
            .build());
  }

  /** Stops the worker JVMs (they are this JVM's children) and the workflow worker. */
  @Override
  public void close() throws InterruptedException {
    for (Process worker : workers) {
      worker.destroy();
    }
    for (Process worker : workers) {
      if (!worker.waitFor(20, TimeUnit.SECONDS)) {
        worker.destroyForcibly();
      }
    }
    workers.clear();
    factory.shutdown();
    factory.awaitTermination(20, TimeUnit.SECONDS);
  }
}
