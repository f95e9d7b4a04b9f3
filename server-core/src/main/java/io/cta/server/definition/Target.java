package io.cta.server.definition;

/**
 * Which machines a configuration targets: exactly one of a machine (name or id), a named group or a
 * property selector.
 */
public record Target(String machine, String group, String selector) {

  public int kinds() {
    return (machine == null ? 0 : 1) + (group == null ? 0 : 1) + (selector == null ? 0 : 1);
  }
}
