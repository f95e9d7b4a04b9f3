package io.cta.consumer.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import de.bwaldvogel.mongo.MongoServer;
import io.cta.activities.vm.CreateMachineRequest;
import io.cta.activities.vm.DestroyMachineRequest;
import io.cta.activities.vm.MachineCreated;
import io.cta.activities.vm.MachineUse;
import io.cta.activities.vm.PlaceRequest;
import io.cta.activities.vm.PlaceResult;
import io.cta.activities.vm.VmActivities;
import io.cta.consumer.Fixtures;
import io.cta.server.vm.VmMachineDocument;
import io.cta.server.vm.VmMachineState;
import io.cta.server.vm.VmPoolStore;
import io.cta.temporal.TaskQueues;
import io.cta.workflows.vm.LeaseInput;
import io.cta.workflows.vm.LeaseState.Phase;
import io.cta.workflows.vm.LeaseWorkflow;
import io.cta.workflows.vm.LeaseWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An agent's registration reaches its machine's lease, and only a machine still being created. */
class VmRegistrationsTest {

  private final TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
  private final MongoServer mongoServer = Fixtures.mongoServer();

  @AfterEach
  void close() {
    env.close();
    mongoServer.shutdownNow();
  }

  /** The lease's activities with nothing behind them: a machine named {@code m-<id>}. */
  private static final class NoProvider implements VmActivities {
    @Override
    public PlaceResult takePlace(PlaceRequest request) {
      return new PlaceResult(true, null);
    }

    @Override
    public void releasePlace(PlaceRequest request) {}

    @Override
    public MachineCreated createMachine(CreateMachineRequest request) {
      return new MachineCreated("i-" + request.machineId(), "m-" + request.machineId());
    }

    @Override
    public void recordUse(MachineUse use) {}

    @Override
    public void destroyMachine(DestroyMachineRequest request) {}
  }

  @Test
  void givenALeaseWaitingForItsAgent_whenTheAgentRegisters_thenTheLeaseHasItsMachine() {
    env.newWorker(TaskQueues.SERVER).registerWorkflowImplementationTypes(LeaseWorkflowImpl.class);
    env.getWorkerFactory()
        .getWorker(TaskQueues.SERVER)
        .registerActivitiesImplementations(new NoProvider());
    env.start();
    VmPoolStore pools = new VmPoolStore(Fixtures.mongo(mongoServer));
    Instant now = Instant.now();
    pools
        .insertMachine(
            new VmMachineDocument(
                "l1-1",
                "l1",
                "pool-1",
                "m-l1-1",
                "i-l1-1",
                VmMachineState.creating,
                null,
                null,
                now,
                now))
        .block();
    LeaseWorkflow lease =
        env.getWorkflowClient()
            .newWorkflowStub(
                LeaseWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(LeaseWorkflow.workflowId("l1"))
                    .setTaskQueue(TaskQueues.SERVER)
                    .build());
    WorkflowClient.start(
        lease::run, new LeaseInput("l1", "pool-1", "p", 3_600_000, 300_000, 60_000, "e1"));
    for (int i = 0; i < 100 && lease.getState().phase() != Phase.creating; i++) {
      env.sleep(Duration.ofMillis(100));
    }
    VmRegistrations registrations = new VmRegistrations(pools, env.getWorkflowClient());

    registrations.registered("some-physical-machine").block(); // no lease: nothing to tell
    registrations.registered("m-l1-1").block();
    for (int i = 0; i < 100 && lease.getState().phase() != Phase.leased; i++) {
      env.sleep(Duration.ofMillis(100));
    }

    assertEquals(Phase.leased, lease.getState().phase());
    assertEquals("e1", lease.getState().executionId());
  }
}
