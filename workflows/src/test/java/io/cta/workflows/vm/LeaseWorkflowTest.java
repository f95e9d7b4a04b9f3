package io.cta.workflows.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cta.activities.vm.CreateMachineRequest;
import io.cta.activities.vm.DestroyMachineRequest;
import io.cta.activities.vm.MachineCreated;
import io.cta.activities.vm.MachineUse;
import io.cta.activities.vm.PlaceRequest;
import io.cta.activities.vm.PlaceResult;
import io.cta.activities.vm.VmActivities;
import io.cta.temporal.TaskQueues;
import io.cta.workflows.vm.LeaseOutcome.End;
import io.cta.workflows.vm.LeaseState.Phase;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The lease's timers and cap with time skipping (docs/vm-manager.md#timeouts). */
class LeaseWorkflowTest {

  private static final long HOUR = 3_600_000;
  private static final long LAUNCH = 5 * 60_000;

  @RegisterExtension
  static final TestWorkflowExtension workflows =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(LeaseWorkflowImpl.class)
          .setDoNotStart(true)
          .build();

  /** The consumer's side in memory: a cap, machines and what happened to them, in order. */
  static final class FakeVm implements VmActivities {
    final List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
    final Set<String> holders = java.util.Collections.synchronizedSet(new LinkedHashSet<>());
    volatile int maxMachines = 4;
    volatile String createFails;
    volatile boolean poolGone;

    @Override
    public synchronized PlaceResult takePlace(PlaceRequest request) {
      if (poolGone) {
        throw io.cta.activities.FailureType.NOT_FOUND.nonRetryable(
            "vm pool 'pool-1' does not exist");
      }
      if (holders.contains(request.leaseId()) || holders.size() < maxMachines) {
        holders.add(request.leaseId());
        return new PlaceResult(true, null);
      }
      return new PlaceResult(
          false, "pool 'p' at its cap of " + maxMachines + ": " + holders.size() + " leased");
    }

    @Override
    public void releasePlace(PlaceRequest request) {
      holders.remove(request.leaseId());
      events.add("release-place " + request.leaseId());
    }

    @Override
    public MachineCreated createMachine(CreateMachineRequest request) {
      events.add("create " + request.machineId());
      if (createFails != null) {
        throw new IllegalStateException(createFails);
      }
      return new MachineCreated("i-" + request.machineId(), "m-" + request.machineId());
    }

    @Override
    public void recordUse(MachineUse use) {
      events.add(
          (use.executionId() == null ? "ready " : "leased " + use.executionId() + " ")
              + use.leaseId()
              + "-"
              + use.attempt());
    }

    @Override
    public void destroyMachine(DestroyMachineRequest request) {
      events.add(
          (request.failed() ? "fail " : "destroy ")
              + request.instanceId()
              + (request.reason() == null ? "" : ": " + request.reason()));
    }
  }

  private static LeaseInput input(String lease, long placeTimeout, String execution) {
    return new LeaseInput(lease, "pool-1", "p", HOUR, LAUNCH, placeTimeout, execution);
  }

  private static FakeVm startWith(TestWorkflowEnvironment env) {
    FakeVm vm = new FakeVm();
    env.newWorker(TaskQueues.SERVER).registerActivitiesImplementations(vm);
    env.start();
    return vm;
  }

  private static LeaseWorkflow start(TestWorkflowEnvironment env, Worker worker, LeaseInput input) {
    LeaseWorkflow lease =
        env.getWorkflowClient()
            .newWorkflowStub(
                LeaseWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(LeaseWorkflow.workflowId(input.leaseId()))
                    .setTaskQueue(worker.getTaskQueue())
                    .build());
    WorkflowClient.start(lease::run, input);
    return lease;
  }

  private static LeaseOutcome outcome(LeaseWorkflow lease) {
    return WorkflowStub.fromTyped(lease).getResult(LeaseOutcome.class);
  }

  /** Waits, in the test environment's skipped time, until the lease is in {@code phase}. */
  private static void awaitPhase(TestWorkflowEnvironment env, LeaseWorkflow lease, Phase phase) {
    for (int i = 0; i < 200 && lease.getState().phase() != phase; i++) {
      env.sleep(Duration.ofMillis(100));
    }
    assertEquals(phase, lease.getState().phase());
  }

  @Test
  void givenAnAgentThatNeverRegisters_whenTheLaunchTimeoutPasses_thenReplacedOnceThenFailed(
      TestWorkflowEnvironment env, Worker worker) {
    FakeVm vm = startWith(env);
    LeaseWorkflow lease = start(env, worker, input("l1", HOUR, "e1"));

    LeaseOutcome outcome = outcome(lease);

    assertEquals(End.launchTimeout, outcome.end());
    assertEquals(
        "pool 'p': its agent did not register within the launch timeout of 5 min, on 2 machines",
        outcome.reason());
    assertEquals(
        List.of(
            "create l1-1",
            "fail i-l1-1: its agent did not register within the launch timeout of 5 min; replaced",
            "create l1-2",
            "fail i-l1-2: " + outcome.reason(),
            "release-place l1"),
        vm.events);
  }

  @Test
  void givenALeasedMachine_whenTheVmTimeoutPasses_thenItIsDestroyedEvenWhileItsTestRuns(
      TestWorkflowEnvironment env, Worker worker) {
    FakeVm vm = startWith(env);
    LeaseWorkflow lease = start(env, worker, input("l2", HOUR, "e2"));
    awaitPhase(env, lease, Phase.creating);
    lease.registered("m-l2-1");
    awaitPhase(env, lease, Phase.leased);

    env.sleep(Duration.ofMinutes(59));
    assertEquals(Phase.leased, lease.getState().phase(), "not destroyed before its VM timeout");
    LeaseOutcome outcome = outcome(lease);

    assertEquals(End.vmTimeout, outcome.end());
    assertEquals("e2", outcome.executionId());
    assertEquals("VM timeout of 1h exceeded on m-l2-1", outcome.reason());
    assertEquals(
        List.of(
            "create l2-1",
            "leased e2 l2-1",
            "fail i-l2-1: VM timeout of 1h exceeded on m-l2-1",
            "release-place l2"),
        vm.events);
  }

  @Test
  void givenAReleasedMachine_whenNotKeptWarm_thenItIsDestroyedAndItsPlaceFreed(
      TestWorkflowEnvironment env, Worker worker) {
    FakeVm vm = startWith(env);
    LeaseWorkflow lease = start(env, worker, input("l3", HOUR, "e3"));
    awaitPhase(env, lease, Phase.creating);
    lease.registered("m-l3-0"); // another machine's agent: not this lease's
    lease.registered("m-l3-1");
    awaitPhase(env, lease, Phase.leased);

    lease.release(false);

    assertEquals(End.released, outcome(lease).end());
    assertEquals(
        List.of("create l3-1", "leased e3 l3-1", "destroy i-l3-1", "release-place l3"), vm.events);
  }

  @Test
  void givenAMachineKeptWarm_whenLeasedAgain_thenTheSameMachineServesTheNextExecution(
      TestWorkflowEnvironment env, Worker worker) {
    FakeVm vm = startWith(env);
    LeaseWorkflow lease = start(env, worker, input("l4", HOUR, "e4"));
    awaitPhase(env, lease, Phase.creating);
    lease.registered("m-l4-1");
    awaitPhase(env, lease, Phase.leased);

    lease.release(true);
    awaitPhase(env, lease, Phase.ready);
    lease.lease("e5");
    awaitPhase(env, lease, Phase.leased);
    assertEquals("e5", lease.getState().executionId());
    lease.release(true);
    awaitPhase(env, lease, Phase.ready);
    LeaseOutcome outcome = outcome(lease); // a warm machine still dies at its VM timeout

    assertEquals(End.vmTimeout, outcome.end());
    assertEquals(
        List.of(
            "create l4-1",
            "leased e4 l4-1",
            "ready l4-1",
            "leased e5 l4-1",
            "ready l4-1",
            "fail i-l4-1: VM timeout of 1h exceeded on m-l4-1",
            "release-place l4"),
        vm.events);
  }

  @Test
  void givenAPoolAtItsCap_whenASecondLeaseAsks_thenItWaitsWithTheReasonUntilThePlaceFrees(
      TestWorkflowEnvironment env, Worker worker) {
    FakeVm vm = startWith(env);
    vm.maxMachines = 1;
    LeaseWorkflow first = start(env, worker, input("c1", HOUR, "e6"));
    awaitPhase(env, first, Phase.creating);
    first.registered("m-c1-1");
    awaitPhase(env, first, Phase.leased);

    LeaseWorkflow second = start(env, worker, input("c2", HOUR, "e7"));
    env.sleep(Duration.ofMinutes(10));
    assertEquals(Phase.waiting, second.getState().phase());
    assertEquals("pool 'p' at its cap of 1: 1 leased", second.getState().reason());
    assertTrue(vm.events.stream().noneMatch(e -> e.startsWith("create c2")));

    first.release(false);
    awaitPhase(env, second, Phase.creating);

    assertEquals(End.released, outcome(first).end());
    assertTrue(
        vm.events.indexOf("release-place c1") < vm.events.indexOf("create c2-1"),
        "never two machines of a pool of one: " + vm.events);
  }

  @Test
  void givenAPoolAtItsCap_whenThePlaceTimeoutPasses_thenTheLeaseEndsWithTheReasonAndMadeNothing(
      TestWorkflowEnvironment env, Worker worker) {
    FakeVm vm = startWith(env);
    vm.maxMachines = 1;
    vm.holders.add("someone-else");
    LeaseWorkflow lease = start(env, worker, input("c3", 30 * 60_000, "e8"));

    LeaseOutcome outcome = outcome(lease);

    assertEquals(End.noPlace, outcome.end());
    assertEquals("pool 'p' at its cap of 1: 1 leased", outcome.reason());
    assertEquals(List.of(), vm.events);
  }

  @Test
  void givenALeasedMachine_whenItsInstanceIsGone_thenTheLeaseEndsFailedWithTheReason(
      TestWorkflowEnvironment env, Worker worker) {
    FakeVm vm = startWith(env);
    LeaseWorkflow lease = start(env, worker, input("g1", HOUR, "e9"));
    awaitPhase(env, lease, Phase.creating);
    lease.instanceGone("too early: not this machine's yet"); // ignored while creating
    lease.registered("m-g1-1");
    awaitPhase(env, lease, Phase.leased);

    lease.instanceGone("its instance i-g1-1 is gone");
    LeaseOutcome outcome = outcome(lease);

    assertEquals(End.failed, outcome.end());
    assertEquals("its instance i-g1-1 is gone", outcome.reason());
    assertEquals(
        List.of(
            "create g1-1",
            "leased e9 g1-1",
            "fail i-g1-1: its instance i-g1-1 is gone",
            "release-place g1"),
        vm.events);
  }

  @Test
  void givenAProviderThatKeepsFailing_whenAMachineIsAsked_thenTheLeaseFailsAfterFiveTries(
      TestWorkflowEnvironment env, Worker worker) {
    FakeVm vm = startWith(env);
    vm.createFails = "no space left on device";
    LeaseWorkflow lease = start(env, worker, input("f1", HOUR, "e10"));

    LeaseOutcome outcome = outcome(lease);

    assertEquals(End.failed, outcome.end());
    assertTrue(outcome.reason().contains("no space left on device"), outcome.reason());
    assertEquals(
        List.of(
            "create f1-1",
            "create f1-1",
            "create f1-1",
            "create f1-1",
            "create f1-1",
            "fail null: " + outcome.reason(),
            "release-place f1"),
        vm.events);
  }

  @Test
  void givenALeasedMachine_whenTheLeaseIsCanceled_thenItsMachineIsDestroyedAndItsPlaceFreed(
      TestWorkflowEnvironment env, Worker worker) {
    FakeVm vm = startWith(env);
    LeaseWorkflow lease = start(env, worker, input("k1", HOUR, "e11"));
    awaitPhase(env, lease, Phase.creating);
    lease.registered("m-k1-1");
    awaitPhase(env, lease, Phase.leased);

    WorkflowStub.fromTyped(lease).cancel();
    for (int i = 0; i < 100 && !vm.events.contains("release-place k1"); i++) {
      env.sleep(Duration.ofMillis(100));
    }

    assertEquals(
        List.of(
            "create k1-1",
            "leased e11 k1-1",
            "destroy i-k1-1: its lease was canceled",
            "release-place k1"),
        vm.events);
  }

  @Test
  void givenAnAgentThatRegistersBeforeItsCreateReturns_whenTheLeaseGoesOn_thenItCounts(
      TestWorkflowEnvironment env, Worker worker) {
    startWith(env);
    LeaseWorkflow lease = start(env, worker, input("r1", HOUR, "e12"));
    lease.registered("m-r1-1"); // may arrive before the workflow knows its machine's name

    awaitPhase(env, lease, Phase.leased);

    assertEquals("m-r1-1", lease.getState().machine());
  }

  @Test
  void givenAPoolDeletedWhileALeaseWaits_whenItAsksForAPlace_thenItEndsFailedSayingSo(
      TestWorkflowEnvironment env, Worker worker) {
    FakeVm vm = startWith(env);
    vm.poolGone = true;

    LeaseOutcome outcome = outcome(start(env, worker, input("d1", HOUR, "e13")));

    assertEquals(End.failed, outcome.end());
    assertEquals("vm pool 'pool-1' does not exist", outcome.reason());
    assertEquals(List.of(), vm.events);
  }
}
