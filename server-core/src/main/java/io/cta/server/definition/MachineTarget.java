package io.cta.server.definition;

import io.cta.server.machine.MachineDocument;
import io.cta.server.machine.MachineStore;
import io.cta.temporal.TaskQueues;
import java.util.List;
import java.util.Optional;
import reactor.core.publisher.Flux;

/** One machine, by name or id: the work waits on that machine's own queue. */
public record MachineTarget(String machine) implements Target {

  @Override
  public TargetFields fields() {
    return TargetFields.machine(machine);
  }

  @Override
  public Optional<String> problem() {
    return NameCheck.problem(machine);
  }

  @Override
  public boolean namesOneMachine() {
    return true;
  }

  @Override
  public Flux<MachineDocument> machines(MachineStore store) {
    return store.findByNameOrId(machine).flux();
  }

  @Override
  public String mismatch(MachineDocument candidate) {
    return machine.equals(candidate.name()) || machine.equals(candidate.id())
        ? null
        : "not machine '" + machine + "'";
  }

  @Override
  public boolean names(String machineName) {
    return machine.equals(machineName);
  }

  @Override
  public String noMachine() {
    return "no machine named '" + machine + "' has registered";
  }

  /** The machine's queue by its registered name, else by the name the target gives. */
  @Override
  public Dispatch dispatch(String executionId, List<MachineDocument> taken) {
    String name = taken.isEmpty() ? machine : taken.get(0).name();
    return new Dispatch(TaskQueues.isValidName(name) ? TaskQueues.machine(name) : null, name, null);
  }
}
