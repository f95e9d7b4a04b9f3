package io.cta.server.definition;

import io.cta.server.machine.MachineDocument;
import io.cta.server.machine.MachineStore;
import io.cta.temporal.TaskQueues;
import java.util.List;
import java.util.Optional;
import reactor.core.publisher.Flux;

/** A named group: every machine in it (declared or assigned) polls the group's queue. */
public record GroupTarget(String group) implements Target {

  @Override
  public TargetFields fields() {
    return TargetFields.group(group);
  }

  @Override
  public Optional<String> problem() {
    return NameCheck.problem(group);
  }

  @Override
  public boolean namesOneMachine() {
    return false;
  }

  @Override
  public Flux<MachineDocument> machines(MachineStore store) {
    return store.inGroup(group);
  }

  @Override
  public String mismatch(MachineDocument machine) {
    return machine.effective().groups().contains(group) ? null : "not in group '" + group + "'";
  }

  @Override
  public String noMachine() {
    return "no machine is in group '" + group + "'";
  }

  @Override
  public Dispatch dispatch(String executionId, List<MachineDocument> taken) {
    return new Dispatch(TaskQueues.group(group), null, null);
  }
}
