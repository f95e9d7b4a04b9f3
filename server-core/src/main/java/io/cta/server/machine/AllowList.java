package io.cta.server.machine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The labels an agent token lets its agent declare (docs/agent.md, "Restricted agent tokens"). A
 * null list allows anything of its kind, as a token without allow-lists does.
 *
 * @param groups allowed group names or globs ({@code web-*}); null: any group
 * @param properties allowed properties, each with the globs its value must match; null: any
 *     property. Stored as a list because property names may hold dots.
 */
public record AllowList(List<String> groups, List<AllowedProperty> properties) {

  public static final AllowList ANY = new AllowList(null, null);

  /** One allowed property and the value globs it may have ({@code *}: any value). */
  public record AllowedProperty(String name, List<String> values) {}

  public boolean restricts() {
    return groups != null || properties != null;
  }

  /** The declared labels outside this allow-list: ignored for matching, shown as refused. */
  public Labels refused(Labels declared) {
    if (declared == null || !restricts()) {
      return Labels.EMPTY;
    }
    Map<String, String> refusedProperties = new LinkedHashMap<>();
    if (properties != null) {
      declared
          .properties()
          .forEach(
              (name, value) -> {
                boolean allowed =
                    properties.stream()
                        .anyMatch(
                            p ->
                                p.name().equals(name)
                                    && p.values() != null
                                    && p.values().stream().anyMatch(v -> Glob.matches(v, value)));
                if (!allowed) {
                  refusedProperties.put(name, value);
                }
              });
    }
    List<String> refusedGroups =
        groups == null
            ? List.of()
            : declared.groups().stream()
                .filter(g -> groups.stream().noneMatch(allowed -> Glob.matches(allowed, g)))
                .toList();
    return new Labels(refusedProperties, refusedGroups);
  }
}
