package io.cta.server.live;

/**
 * What a WebSocket client subscribes to: every execution's state, one execution's states, results
 * and log lines, or every machine's status.
 */
public record LiveTopic(Kind kind, String id) {

  public enum Kind {
    executions,
    execution,
    machines
  }

  /** Parses {@code executions}, {@code machines} or {@code execution:<id>}; null if malformed. */
  public static LiveTopic parse(String text) {
    if (text == null) {
      return null;
    }
    if (text.equals("executions")) {
      return new LiveTopic(Kind.executions, null);
    }
    if (text.equals("machines")) {
      return new LiveTopic(Kind.machines, null);
    }
    String prefix = "execution:";
    if (text.startsWith(prefix)
        && text.length() > prefix.length()
        && text.length() <= prefix.length() + 64) {
      return new LiveTopic(Kind.execution, text.substring(prefix.length()));
    }
    return null;
  }

  @Override
  public String toString() {
    return kind == Kind.execution ? "execution:" + id : kind.name();
  }
}
