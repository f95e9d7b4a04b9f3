package io.cta.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cta.activities.FailureType;
import io.cta.activities.TestStatus;
import io.cta.activities.agent.AgentActivities;
import io.cta.activities.agent.RunTestRequest;
import io.cta.activities.agent.RunTestResult;
import io.cta.activities.agent.TestSpec;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shared-slot/poller trap (docs/design.md#shared-slots-and-the-poller-trap) against real
 * workers on Temporal's test server: an agent never runs more than its slots, polls every queue
 * while it has room, and a busy agent leaves shared work to an idle one.
 */
class QueuePollersTest {

  private static final String WORKFLOWS = "test-dispatch";

  /** Dispatches tests to queues at once, each again as long as an agent refuses it as full. */
  @WorkflowInterface
  public interface DispatchWorkflow {
    @WorkflowMethod
    List<String> dispatch(List<String> queues);
  }

  public static class DispatchWorkflowImpl implements DispatchWorkflow {
    @Override
    public List<String> dispatch(List<String> queues) {
      List<Promise<String>> runs = new ArrayList<>();
      for (int i = 0; i < queues.size(); i++) {
        String queue = queues.get(i);
        String id = "t" + i;
        runs.add(Async.function(() -> runOnce(queue, id)));
      }
      return runs.stream().map(Promise::get).toList();
    }

    private static String runOnce(String queue, String id) {
      AgentActivities agent =
          Workflow.newActivityStub(
              AgentActivities.class,
              ActivityOptions.newBuilder()
                  .setTaskQueue(queue)
                  .setStartToCloseTimeout(Duration.ofSeconds(30))
                  .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                  .build());
      TestSpec test = new TestSpec(id, id, "commandLine", List.of(), List.of());
      while (true) {
        try {
          return agent.runTest(new RunTestRequest("e1", 1, test, null, 0)).machine();
        } catch (ActivityFailure failure) {
          if (!(failure.getCause() instanceof ApplicationFailure refused
              && FailureType.AGENT_FULL.type().equals(refused.getType()))) {
            throw failure;
          }
        }
      }
    }
  }

  private TestWorkflowEnvironment env;
  private final List<QueuePollers> agents = new ArrayList<>();
  private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
  private final Map<String, Integer> mostAtOnce = new ConcurrentHashMap<>();

  @BeforeEach
  void setUp() {
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setUseTimeskipping(false)
                // As the agent's own connection: long polls end after 5 s.
                .setWorkflowServiceStubsOptions(
                    WorkflowServiceStubsOptions.newBuilder()
                        .setRpcLongPollTimeout(Duration.ofSeconds(5))
                        .build())
                .build());
    env.newWorker(WORKFLOWS).registerWorkflowImplementationTypes(DispatchWorkflowImpl.class);
    env.start();
  }

  @AfterEach
  void tearDown() {
    agents.forEach(QueuePollers::close);
    env.close();
  }

  /** An agent whose tests take {@code millis}, recording how many run at once. */
  private QueuePollers agent(String name, int slots, long millis, List<String> queues) {
    AgentActivities tests =
        request -> {
          int now = running.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
          mostAtOnce.merge(name, now, Math::max);
          try {
            Thread.sleep(millis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            running.get(name).decrementAndGet();
          }
          return new RunTestResult(request.test().id(), name, TestStatus.ok, 0);
        };
    QueuePollers agent = new QueuePollers(env.getWorkflowClient(), tests, slots);
    agent.pollExactly(queues);
    agents.add(agent);
    return agent;
  }

  private List<String> dispatch(List<String> queues) {
    WorkflowClient client = env.getWorkflowClient();
    return client
        .newWorkflowStub(
            DispatchWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(WORKFLOWS)
                .setWorkflowId("dispatch-" + System.nanoTime())
                .build())
        .dispatch(queues);
  }

  @Test
  void givenAOneSlotAgentOnThreeQueues_whenNineTestsArrive_thenAllRunOneAtATime() {
    agent("a", 1, 100, List.of("machine-a", "group-x", "pool-y"));
    List<String> queues = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      queues.addAll(List.of("machine-a", "group-x", "pool-y"));
    }

    long start = System.nanoTime();
    List<String> ranOn = dispatch(queues);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertEquals(9, ranOn.size());
    assertEquals(1, mostAtOnce.get("a"), "never more than its one slot");
    // A measurement, not an assertion: 9 tests of 100 ms, one at a time.
    System.out.printf("9 tests of 100 ms on a 1-slot agent polling 3 queues: %d ms%n", millis);
  }

  @Test
  void givenABusyAgentAndAnIdleOne_whenSharedWorkArrives_thenTheIdleOneRunsAllOfIt()
      throws Exception {
    CountDownLatch busy = new CountDownLatch(1);
    List<String> busyRuns = new CopyOnWriteArrayList<>();
    AgentActivities longTest =
        request -> {
          busyRuns.add(request.test().id());
          busy.countDown();
          try {
            Thread.sleep(3_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return new RunTestResult(request.test().id(), "busy", TestStatus.ok, 0);
        };
    QueuePollers busyAgent = new QueuePollers(env.getWorkflowClient(), longTest, 1);
    busyAgent.pollExactly(List.of("machine-busy", "group-shared"));
    agents.add(busyAgent);
    agent("idle", 1, 100, List.of("machine-idle", "group-shared"));
    DispatchWorkflow longRun =
        env.getWorkflowClient()
            .newWorkflowStub(
                DispatchWorkflow.class,
                WorkflowOptions.newBuilder().setTaskQueue(WORKFLOWS).setWorkflowId("long").build());
    WorkflowClient.start(longRun::dispatch, List.of("machine-busy"));
    assertTrue(busy.await(30, TimeUnit.SECONDS));

    List<String> ranOn = dispatch(List.of("group-shared", "group-shared", "group-shared"));

    assertEquals(List.of("idle", "idle", "idle"), ranOn);
    assertEquals(
        List.of("busy"), WorkflowStub.fromTyped(longRun).getResult(List.class), "its own test");
    assertEquals(1, busyRuns.size(), "the busy agent ran only its own long test");
  }

  @Test
  void givenADrainingAgent_whenWorkArrives_thenItsOwnTestEndsItTakesNothingNewUntilUndrained()
      throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> ranHere = new CopyOnWriteArrayList<>();
    AgentActivities tests =
        request -> {
          ranHere.add(request.test().id());
          started.countDown();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return new RunTestResult(request.test().id(), "drained", TestStatus.ok, 0);
        };
    QueuePollers drained = new QueuePollers(env.getWorkflowClient(), tests, 2);
    drained.pollExactly(List.of("machine-drained", "group-shared"));
    agents.add(drained);
    DispatchWorkflow own =
        env.getWorkflowClient()
            .newWorkflowStub(
                DispatchWorkflow.class,
                WorkflowOptions.newBuilder().setTaskQueue(WORKFLOWS).setWorkflowId("own").build());
    WorkflowClient.start(own::dispatch, List.of("machine-drained"));
    assertTrue(started.await(30, TimeUnit.SECONDS));

    drained.drain();

    assertFalse(drained.awaitIdle(Duration.ofMillis(200)), "its own test still runs");
    agent("other", 1, 50, List.of("machine-other", "group-shared"));
    assertEquals(
        List.of("other", "other", "other"),
        dispatch(List.of("group-shared", "group-shared", "group-shared")),
        "a free slot does not make a draining agent take work");
    release.countDown();
    assertTrue(drained.awaitIdle(Duration.ofSeconds(10)), "its own test ended");
    assertEquals(List.of("drained"), WorkflowStub.fromTyped(own).getResult(List.class));
    assertEquals(1, ranHere.size(), "nothing new ran on the draining agent: " + ranHere);

    drained.undrain();

    assertEquals(List.of("drained"), dispatch(List.of("machine-drained")));
  }
}
