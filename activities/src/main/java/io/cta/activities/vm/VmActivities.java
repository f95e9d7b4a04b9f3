package io.cta.activities.vm;

import io.temporal.activity.ActivityInterface;

/**
 * The consumer's side of a machine lease (docs/vm-manager.md#timeouts): the provider calls, the
 * pool's cap and the lease documents. Each call is idempotent, so the lease workflow retries it
 * freely.
 */
@ActivityInterface(namePrefix = "Vm")
public interface VmActivities {

  /**
   * Takes one of the pool's places for the lease if the pool is below its cap; otherwise answers
   * why not ("pool 'win11' at its cap of 4: 4 leased").
   */
  PlaceResult takePlace(PlaceRequest request);

  /** Frees the lease's place; idempotent. */
  void releasePlace(PlaceRequest request);

  /**
   * Mints the lease's agent token and asks the provider for a machine (idempotent by lease and
   * attempt), recording the lease {@code creating}.
   */
  MachineCreated createMachine(CreateMachineRequest request);

  /** Records the machine {@code leased} to its execution, or {@code ready} without one. */
  void recordUse(MachineUse use);

  /**
   * Destroys the machine at its provider (its agent gets SIGTERM and a bounded drain first),
   * revokes its token and records the lease {@code destroyed} or {@code failed} with the reason.
   */
  void destroyMachine(DestroyMachineRequest request);
}
