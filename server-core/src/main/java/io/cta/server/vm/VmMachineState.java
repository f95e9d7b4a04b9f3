package io.cta.server.vm;

import java.util.List;

/**
 * A pool machine's state as users see it (docs/vm-manager.md#machines); the names are the strings
 * stored in {@code vm-leases.state}.
 */
public enum VmMachineState {
  /** Asked of the provider; its agent has not registered yet. */
  creating,
  /** Its agent registered; no execution holds it (a warm machine). */
  ready,
  /** An execution runs on it. */
  leased,
  /** Being destroyed. */
  destroying,
  /** Gone, as planned. */
  destroyed,
  /** Gone after a failure; the lease's {@code reason} says which. */
  failed;

  /** The states of a machine that may still exist at its provider. */
  public static final List<VmMachineState> LIVE = List.of(creating, ready, leased, destroying);

  /** Whether the machine may still exist at its provider. */
  public boolean live() {
    return LIVE.contains(this);
  }
}
