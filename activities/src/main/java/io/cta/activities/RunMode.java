package io.cta.activities;

/** How a configuration spreads a suite over its target machines (docs/design.md#run-modes). */
public enum RunMode {
  mono,
  group,
  parallel,
  stress
}
