package io.cta.activities;

/** How a configuration spreads a suite over its target machines (design.md section 2). */
public enum RunMode {
  mono,
  group,
  parallel,
  stress
}
