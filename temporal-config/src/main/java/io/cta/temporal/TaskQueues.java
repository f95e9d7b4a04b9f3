package io.cta.temporal;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The one place where CTA's Temporal task-queue names are built. Workflows route work by choosing
 * one of these queues; agents poll the ones for their machine and groups.
 */
public final class TaskQueues {

  /** Queue of the consumer: workflows and server-side activities. */
  public static final String SERVER = "cta-server";

  private static final String MACHINE_PREFIX = "cta-machine-";
  private static final String GROUP_PREFIX = "cta-group-";
  private static final String POOL_PREFIX = "cta-pool-";

  /** Names of machines and groups: what a queue name and a URL path can carry without escaping. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private TaskQueues() {}

  /** The queue only the agent of this machine polls. */
  public static String machine(String machineName) {
    return MACHINE_PREFIX + requireName(machineName, "machine");
  }

  /** The machine whose own queue this is, or null for any other queue. */
  public static String machineOf(String queue) {
    return queue != null && queue.startsWith(MACHINE_PREFIX)
        ? queue.substring(MACHINE_PREFIX.length())
        : null;
  }

  /** The queue every agent in this named group polls. */
  public static String group(String groupName) {
    return GROUP_PREFIX + requireName(groupName, "group");
  }

  /**
   * The queue the agents matched by one execution's selector poll for the life of that execution.
   */
  public static String pool(String executionId) {
    return POOL_PREFIX + requireName(executionId, "execution id");
  }

  /** Whether a machine or group name is usable in queue names (letters, digits, '.', '_', '-'). */
  public static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  private static String requireName(String name, String what) {
    Objects.requireNonNull(name, what);
    if (!isValidName(name)) {
      throw new IllegalArgumentException(
          "invalid " + what + " name '" + name + "': use 1-128 letters, digits, '.', '_' or '-'");
    }
    return name;
  }
}
