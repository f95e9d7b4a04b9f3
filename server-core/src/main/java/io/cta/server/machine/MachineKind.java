package io.cta.server.machine;

/**
 * How CTA reaches a machine (docs/agentless.md): through the agent it runs, or over SSH from the
 * SSH runner. Both kinds are targeted, grouped and explained alike.
 */
public enum MachineKind {
  /** A CTA agent on the machine registered it and takes its work. */
  agent,
  /** An operator declared it; the SSH runner takes its work on its behalf. */
  ssh
}
