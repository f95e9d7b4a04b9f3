package io.cta.server.definition;

import io.cta.server.machine.MachineDocument;
import io.cta.server.machine.MachineStore;
import io.cta.server.machine.Selector;
import io.cta.temporal.TaskQueues;
import java.util.List;
import java.util.Optional;
import reactor.core.publisher.Flux;

/**
 * Machines whose effective properties match a selector: the execution opens a pool queue that
 * machines join while they match (docs/configurations.md#targets).
 */
public record SelectorTarget(String selector) implements Target {

  @Override
  public TargetFields fields() {
    return TargetFields.selector(selector);
  }

  @Override
  public Optional<String> problem() {
    try {
      Selector.parse(selector);
      return Optional.empty();
    } catch (Selector.InvalidSelectorException e) {
      return Optional.of("target.selector: " + e.getMessage());
    }
  }

  @Override
  public boolean namesOneMachine() {
    return false;
  }

  @Override
  public Flux<MachineDocument> machines(MachineStore store) {
    return Flux.defer(() -> store.matching(Selector.parse(selector)));
  }

  /** A selector stored before it was checked and unparsable now matches no machine. */
  @Override
  public String mismatch(MachineDocument machine) {
    try {
      return Selector.parse(selector).mismatch(machine.effective().properties());
    } catch (IllegalArgumentException unparsable) {
      return "the selector '" + selector + "' is invalid";
    }
  }

  @Override
  public String noMachine() {
    return "no machine matches the selector '" + Selector.parse(selector) + "'";
  }

  @Override
  public Dispatch dispatch(String executionId, List<MachineDocument> taken) {
    return new Dispatch(TaskQueues.pool(executionId), null, selector);
  }
}
