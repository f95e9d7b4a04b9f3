package io.cta.vm;

/** An instance's state as its provider reports it (fleeting's states, in CTA's words). */
public enum InstanceState {
  /** Asked for; not running yet. */
  creating,
  /** Running: its agent may register (or has). */
  running,
  /** Being destroyed. */
  destroying,
  /** Stopped by itself (crashed, powered off) and not destroyed yet: still holds its resources. */
  stopped
}
