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
  agent
}
