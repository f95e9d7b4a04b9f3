package io.cta.workflows.vm;

import io.cta.activities.FailureType;
import io.cta.activities.vm.CreateMachineRequest;
import io.cta.activities.vm.DestroyMachineRequest;
import io.cta.activities.vm.MachineCreated;
import io.cta.activities.vm.MachineUse;
import io.cta.activities.vm.PlaceRequest;
import io.cta.activities.vm.PlaceResult;
import io.cta.activities.vm.VmActivities;
import io.cta.temporal.TaskQueues;
import io.cta.workflows.ServerActivityOptions;
import io.cta.workflows.vm.LeaseOutcome.End;
import io.cta.workflows.vm.LeaseState.Phase;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The lease's timers are Temporal timers, so they hold across consumer restarts: the launch timeout
 * from each machine's creation, the VM timeout from the registered machine's creation
 * (docs/vm-manager.md#timeouts). Every way out destroys what was created and frees the place, also
 * on cancellation (in a detached scope).
 */
public class LeaseWorkflowImpl implements LeaseWorkflow {

  /** How often a lease waiting for a place asks again. */
  static final Duration PLACE_POLL = Duration.ofSeconds(5);

  /** A machine whose agent never registers is replaced this many times, then the lease fails. */
  static final int MACHINES = 2;

  private final VmActivities vm =
      Workflow.newActivityStub(VmActivities.class, ServerActivityOptions.DEFAULT);

  /** How many times a failing create is tried before the lease fails with its error. */
  static final int CREATE_ATTEMPTS = 5;

  /**
   * Provider calls: a destroy waits for the agent's bounded drain (30 s) before its SIGKILL, and is
   * retried until it works (a machine must not leak); a create gives up after {@link
   * #CREATE_ATTEMPTS}, or at once when the provider refuses for good.
   */
  private final VmActivities provider =
      Workflow.newActivityStub(VmActivities.class, providerCalls(0));

  private final VmActivities creator =
      Workflow.newActivityStub(VmActivities.class, providerCalls(CREATE_ATTEMPTS));

  private static ActivityOptions providerCalls(int attempts) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(TaskQueues.SERVER)
        .setStartToCloseTimeout(Duration.ofMinutes(2))
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setMaximumInterval(Duration.ofSeconds(30))
                .setMaximumAttempts(attempts)
                .setDoNotRetry(FailureType.VM_PROVIDER_REFUSED.type())
                .build())
        .build();
  }

  private LeaseInput input;
  private Phase phase = Phase.waiting;
  private int attempt = 1;
  private String machine;
  private String instanceId;
  private String executionId;
  private String reason;

  /** Names whose agents registered: a signal may arrive before its machine's create returns. */
  private final Set<String> registeredNames = new HashSet<>();

  private boolean releaseAsked;
  private boolean keepWarm;
  private String nextExecution;
  private boolean placeHeld;
  private String gone;

  @Override
  public LeaseOutcome run(LeaseInput input) {
    this.input = input;
    this.executionId = input.executionId();
    try {
      return lease();
    } catch (CanceledFailure canceled) {
      Workflow.newDetachedCancellationScope(() -> cleanUp(false, "its lease was canceled")).run();
      throw canceled;
    }
  }

  private LeaseOutcome lease() {
    LeaseOutcome noPlace = takePlace();
    if (noPlace != null) {
      return noPlace;
    }
    long createdAt = 0;
    for (attempt = 1; ; attempt++) {
      phase = Phase.creating;
      try {
        MachineCreated created =
            creator.createMachine(
                new CreateMachineRequest(input.poolId(), input.leaseId(), attempt));
        machine = created.machine();
        instanceId = created.instanceId();
      } catch (ActivityFailure failure) {
        String why = "the provider could not make a machine: " + message(failure);
        destroy(true, why); // records it failed and revokes its token; an instance is an orphan
        return end(End.failed, true, why);
      }
      createdAt = Workflow.currentTimeMillis();
      Workflow.await(
          Duration.ofMillis(input.launchTimeoutMs()),
          () -> registeredNames.contains(machine) || releaseAsked);
      if (registeredNames.contains(machine)) {
        break;
      }
      if (releaseAsked) {
        return end(End.released, false, null);
      }
      String late =
          "its agent did not register within the launch timeout of "
              + duration(input.launchTimeoutMs());
      if (attempt == MACHINES) {
        return end(
            End.launchTimeout,
            true,
            "pool '" + input.poolName() + "': " + late + ", on " + MACHINES + " machines");
      }
      destroy(true, late + "; replaced");
    }
    long vmDeadline = createdAt + input.vmTimeoutMs();
    while (true) {
      phase = executionId == null ? Phase.ready : Phase.leased;
      vm.recordUse(new MachineUse(input.leaseId(), attempt, executionId));
      boolean signalled =
          Workflow.await(
              Duration.ofMillis(Math.max(0, vmDeadline - Workflow.currentTimeMillis())),
              () -> releaseAsked || gone != null || (executionId == null && nextExecution != null));
      if (gone != null) {
        return end(End.failed, true, gone);
      }
      if (!signalled) {
        return end(
            End.vmTimeout,
            true,
            "VM timeout of " + duration(input.vmTimeoutMs()) + " exceeded on " + machine);
      }
      if (releaseAsked && !(keepWarm && executionId != null)) {
        return end(End.released, false, null);
      }
      if (releaseAsked) {
        executionId = null; // kept warm for the pool's next execution
        releaseAsked = false;
      } else {
        executionId = nextExecution;
        nextExecution = null;
      }
    }
  }

  /** Waits for a place under the cap; the outcome when none came in time, else null. */
  private LeaseOutcome takePlace() {
    long deadline = Workflow.currentTimeMillis() + input.placeTimeoutMs();
    while (true) {
      PlaceResult place;
      try {
        place = vm.takePlace(new PlaceRequest(input.poolId(), input.leaseId()));
      } catch (ActivityFailure failure) {
        return finish(End.failed, message(failure)); // the pool was deleted
      }
      if (place.taken()) {
        placeHeld = true;
        reason = null;
        return null;
      }
      reason = place.reason();
      long left = deadline - Workflow.currentTimeMillis();
      if (left <= 0) {
        return finish(End.noPlace, reason);
      }
      Workflow.await(Duration.ofMillis(Math.min(PLACE_POLL.toMillis(), left)), () -> releaseAsked);
      if (releaseAsked) {
        return finish(End.released, null);
      }
    }
  }

  private LeaseOutcome end(End end, boolean failed, String why) {
    cleanUp(failed, why);
    return finish(end, why);
  }

  /** Destroys the current machine, if any, and frees the place, if held. */
  private void cleanUp(boolean failed, String why) {
    if (instanceId != null) {
      destroy(failed, why);
    }
    if (placeHeld) {
      vm.releasePlace(new PlaceRequest(input.poolId(), input.leaseId()));
      placeHeld = false;
    }
  }

  private void destroy(boolean failed, String why) {
    phase = Phase.destroying;
    provider.destroyMachine(
        new DestroyMachineRequest(
            input.poolId(), input.leaseId(), attempt, instanceId, failed, why));
    instanceId = null;
  }

  private LeaseOutcome finish(End end, String why) {
    phase = Phase.ended;
    reason = why;
    return new LeaseOutcome(end, executionId, why);
  }

  @Override
  public void registered(String machine) {
    // A late registration of a machine already replaced names another machine: never this one.
    if (machine != null) {
      registeredNames.add(machine);
    }
  }

  @Override
  public void lease(String executionId) {
    nextExecution = executionId;
  }

  @Override
  public void release(boolean keepWarm) {
    this.keepWarm = keepWarm;
    releaseAsked = true;
  }

  @Override
  public void instanceGone(String reason) {
    if (phase == Phase.ready || phase == Phase.leased) {
      gone = reason;
    }
  }

  @Override
  public LeaseState getState() {
    return new LeaseState(phase, attempt, machine, executionId, reason);
  }

  private static String message(ActivityFailure failure) {
    return failure.getCause() instanceof ApplicationFailure application
        ? application.getOriginalMessage()
        : String.valueOf(failure.getCause());
  }

  /** A duration as users write it: {@code 2h}, {@code 5 min}, {@code 30 s}, {@code 1500 ms}. */
  static String duration(long ms) {
    if (ms >= 3_600_000 && ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms >= 60_000 && ms % 60_000 == 0) {
      return ms / 60_000 + " min";
    }
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }
}
