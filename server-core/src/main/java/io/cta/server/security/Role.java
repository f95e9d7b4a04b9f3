package io.cta.server.security;

/** What a token may do (docs/design.md#roles). */
public enum Role {
  /** Everything, including tokens. */
  admin,
  /** Define and run. */
  operator,
  /** Read. */
  viewer,
  /** The agent endpoints only, for its own machine's work. */
  agent,
  /**
   * The SSH runner (docs/agentless.md): the agent endpoints for SSH machines only, and their
   * connections with credentials. Never bound to a machine, never carries allow-lists.
   */
  runner
}
