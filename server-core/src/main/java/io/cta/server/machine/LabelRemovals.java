package io.cta.server.machine;

import java.util.List;
import java.util.TreeSet;

/**
 * Declared labels an operator removed from a machine ({@code PATCH /api/v1/machines/{id}} with a
 * property set to null, or {@code removeGroups}): they do not count, whatever its agent declares.
 */
public record LabelRemovals(List<String> properties, List<String> groups) {

  public static final LabelRemovals NONE = new LabelRemovals(List.of(), List.of());

  public LabelRemovals {
    properties = properties == null ? List.of() : List.copyOf(new TreeSet<>(properties));
    groups = groups == null ? List.of() : List.copyOf(new TreeSet<>(groups));
  }
}
