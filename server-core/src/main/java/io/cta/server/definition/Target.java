package io.cta.server.definition;

import io.cta.activities.RunMode;
import io.cta.server.machine.MachineDocument;
import io.cta.server.machine.MachineStore;
import java.util.List;
import java.util.Optional;
import reactor.core.publisher.Flux;

/**
 * Which machines a configuration targets: one machine (name or id), a named group or a property
 * selector (docs/architecture.md#target-types). Each kind answers what callers would otherwise
 * branch on: where the work goes, which machines it takes, and why a machine does not match. It is
 * stored and sent as {@link TargetFields}, with exactly one field set.
 */
public sealed interface Target permits MachineTarget, GroupTarget, SelectorTarget {

  /** The stored and REST shape of this target. */
  TargetFields fields();

  /** Why the kind's own fields are invalid, as a 400 problem's detail says it; empty when valid. */
  Optional<String> problem();

  /**
   * Whether the target names one machine: its work waits for that machine, which is listed and
   * waited for online or not, and never moves to another. Otherwise any machine the target takes
   * may run the work, and a suite moves on when one is lost.
   */
  boolean namesOneMachine();

  /** The machines the target takes now, by name, whatever their status. */
  Flux<MachineDocument> machines(MachineStore store);

  /** Null when the machine matches the target now (its name, effective groups or properties). */
  String mismatch(MachineDocument machine);

  default boolean matches(MachineDocument machine) {
    return mismatch(machine) == null;
  }

  /**
   * Whether the target takes the machine of this name whatever its labels, even one not registered
   * (yet): only a target that names that machine does.
   */
  default boolean names(String machineName) {
    return false;
  }

  /** Why nothing runs when the target takes no machine at all, in a user's words. */
  String noMachine();

  /**
   * Where an execution's work goes.
   *
   * @param taken the machines the target takes now ({@link #machines})
   */
  Dispatch dispatch(String executionId, List<MachineDocument> taken);

  /**
   * Whether the machine may have been given work of an execution with this target without being
   * listed on it yet: it matches, and the run mode sends work to more than the machines listed at
   * compose (stress mode does not, except to a named machine).
   */
  default boolean takesPart(MachineDocument machine, RunMode runMode) {
    return matches(machine) && (namesOneMachine() || runMode != RunMode.stress);
  }

  /**
   * Where an execution's work goes.
   *
   * @param queue the task queue; null when the one machine's name cannot name a queue
   * @param machine the one machine the work waits for; null when any machine taken may run it
   * @param poolSelector the selector of a pool queue that machines join while they match (see
   *     {@code PoolStore}); null when the queue is not a pool
   */
  record Dispatch(String queue, String machine, String poolSelector) {}
}
