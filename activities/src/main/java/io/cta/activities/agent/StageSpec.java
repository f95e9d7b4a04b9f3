package io.cta.activities.agent;

import java.util.Map;

/**
 * One stage of a commandLine test, as the agent runs it.
 *
 * @param run shell command line to run
 * @param stop command the agent runs before killing the stage's process tree on cancel or timeout
 * @param cwd working directory (relative paths are resolved in the agent's work directory)
 * @param env variables merged over the agent's environment
 * @param mandatory whether a failure of this stage stops the test
 * @param timeoutMs how long the stage may run before it is stopped and the test fails
 */
public record StageSpec(
    String name,
    String run,
    String stop,
    String cwd,
    Map<String, String> env,
    boolean mandatory,
    long timeoutMs) {

  public StageSpec {
    env = env == null ? Map.of() : Map.copyOf(env);
  }
}
