package io.cta.server.definition;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How a {@link Target} is stored in MongoDB and sent over REST: {@code {"machine": …}}, {@code
 * {"group": …}} or {@code {"selector": …}}. The one place that maps this shape to the kinds.
 *
 * @param vmPool a VM pool's name (docs/vm-manager.md): read so that it is refused by name, since
 *     configurations cannot use pools yet; never set on a stored target, and left out of JSON when
 *     null, so views keep their three fields
 */
public record TargetFields(
    String machine,
    String group,
    String selector,
    @JsonInclude(JsonInclude.Include.NON_NULL) String vmPool) {

  /** The refusal of a {@code vmPool} target, until configurations can use pools. */
  public static final String VM_POOL_NOT_YET =
      "target.vmPool: vmPool targets are not available yet (docs/vm-manager.md)";

  public TargetFields(String machine, String group, String selector) {
    this(machine, group, selector, null);
  }

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
