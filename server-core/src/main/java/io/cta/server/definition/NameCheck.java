package io.cta.server.definition;

import io.cta.temporal.TaskQueues;
import java.util.Optional;

/** A machine or group name must be usable in a task queue's name. */
final class NameCheck {

  private NameCheck() {}

  static Optional<String> problem(String name) {
    return TaskQueues.isValidName(name)
        ? Optional.empty()
        : Optional.of(
            "target: '" + name + "' is not a valid name (1-128 letters, digits, '.', '_' or '-')");
  }
}
