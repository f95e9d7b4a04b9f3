package io.cta.server.definition;

/**
 * How a {@link Target} is stored in MongoDB and sent over REST: {@code {"machine": …}}, {@code
 * {"group": …}} or {@code {"selector": …}}. The one place that maps this shape to the kinds.
 */
public record TargetFields(String machine, String group, String selector) {

  /** The problem detail when not exactly one field is given. */
  public static final String EXACTLY_ONE = "target: give exactly one of machine, group or selector";

  public static TargetFields machine(String machine) {
    return new TargetFields(machine, null, null);
  }

  public static TargetFields group(String group) {
    return new TargetFields(null, group, null);
  }

  public static TargetFields selector(String selector) {
    return new TargetFields(null, null, selector);
  }

  /** The target these fields give; null unless exactly one field is set. */
  public Target target() {
    int given = (machine == null ? 0 : 1) + (group == null ? 0 : 1) + (selector == null ? 0 : 1);
    if (given != 1) {
      return null;
    }
    if (machine != null) {
      return new MachineTarget(machine);
    }
    return group != null ? new GroupTarget(group) : new SelectorTarget(selector);
  }
}
