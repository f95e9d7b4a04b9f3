package io.cta.server.machine;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Properties and groups of a machine, as declared by its agent or assigned through the API. Stored
 * with the properties as a list of name and value pairs (see {@link LabelsConversions}), as
 * property names may hold dots, which MongoDB field names may not.
 */
public record Labels(Map<String, String> properties, List<String> groups) {

  public static final Labels EMPTY = new Labels(Map.of(), List.of());

  public Labels {
    properties = properties == null ? Map.of() : Map.copyOf(properties);
    groups = groups == null ? List.of() : List.copyOf(new TreeSet<>(groups));
  }

  /** The effective labels: these, with {@code over}'s values winning. */
  public Labels overriddenBy(Labels over) {
    Map<String, String> merged = new LinkedHashMap<>(properties);
    merged.putAll(over.properties());
    TreeSet<String> allGroups = new TreeSet<>(groups);
    allGroups.addAll(over.groups());
    return new Labels(merged, List.copyOf(allGroups));
  }

  /** These labels without the named properties and groups. */
  public Labels without(Collection<String> propertyNames, Collection<String> groupNames) {
    if (propertyNames.isEmpty() && groupNames.isEmpty()) {
      return this;
    }
    Map<String, String> kept = new LinkedHashMap<>(properties);
    kept.keySet().removeAll(propertyNames);
    return new Labels(kept, groups.stream().filter(g -> !groupNames.contains(g)).toList());
  }

  public boolean isEmpty() {
    return properties.isEmpty() && groups.isEmpty();
  }
}
