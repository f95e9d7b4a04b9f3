package io.cta.server.machine;

import io.cta.temporal.TaskQueues;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The limits on labels and selectors wherever they enter CTA: an agent's registration, a machine
 * PATCH, a configuration's selector, an agent token's allow-lists (docs/api.md, "Limits"). Each
 * refusal names the limit, so that a 400 says what to change.
 */
public final class LabelLimits {

  /** Longest property name. */
  public static final int MAX_PROPERTY_NAME = 200;

  /** Longest property value (and value glob in a selector or an allow-list). */
  public static final int MAX_PROPERTY_VALUE = 1000;

  /** Most properties one machine may declare, or be assigned. */
  public static final int MAX_PROPERTIES = 200;

  /** Most groups one machine may declare, or be assigned. */
  public static final int MAX_GROUPS = 100;

  /** Longest selector, in characters. */
  public static final int MAX_SELECTOR = 2000;

  /** Most comma-separated requirements in one selector. */
  public static final int MAX_REQUIREMENTS = 50;

  /** Most values in one {@code in (…)} or {@code notin (…)} set. */
  public static final int MAX_SET_VALUES = 100;

  /** Most value globs an agent token's allow-list may give for one property. */
  public static final int MAX_ALLOWED_VALUES = 50;

  private LabelLimits() {}

  /** A label, selector or allow-list outside the limits; the message names the field and limit. */
  public static final class LimitException extends IllegalArgumentException {
    public LimitException(String message) {
      super(message);
    }
  }

  /** Checks the properties and groups of a machine, named {@code field}.properties and .groups. */
  public static void checkLabels(
      String field, Map<String, String> properties, List<String> groups) {
    if (properties != null) {
      checkCount(field + "properties", properties.size(), MAX_PROPERTIES);
      for (Map.Entry<String, String> property : properties.entrySet()) {
        checkPropertyName(field + "properties", property.getKey());
        if (property.getValue() == null) {
          throw new LimitException(field + "properties: '" + property.getKey() + "' needs a value");
        }
        checkValue(field + "properties." + property.getKey(), property.getValue());
      }
    }
    checkGroups(field + "groups", groups);
  }

  /** Checks a list of group names. */
  public static void checkGroups(String field, Collection<String> groups) {
    checkGroups(field, groups, false);
  }

  /** Checks a list of group names, or of group globs when {@code globs} ({@code *} allowed). */
  public static void checkGroups(String field, Collection<String> groups, boolean globs) {
    if (groups == null) {
      return;
    }
    checkCount(field, groups.size(), MAX_GROUPS);
    for (String group : groups) {
      if (group == null || !TaskQueues.isValidName(globs ? group.replace('*', 'x') : group)) {
        throw new LimitException(
            field
                + ": '"
                + (group == null ? null : shorten(group))
                + "' is not a group name (1-128 letters, digits, '.', '_' or '-')");
      }
    }
  }

  public static void checkPropertyName(String field, String name) {
    if (name == null || name.isEmpty()) {
      throw new LimitException(field + ": a property name is empty");
    }
    if (name.length() > MAX_PROPERTY_NAME) {
      throw new LimitException(
          field
              + ": the property name '"
              + shorten(name)
              + "' is longer than the limit of "
              + MAX_PROPERTY_NAME
              + " characters");
    }
    if (!name.matches(Selector.PROPERTY_NAME)) {
      throw new LimitException(
          field
              + ": '"
              + shorten(name)
              + "' is not a property name (letters, digits, '.', '_', '/' or '-', starting and"
              + " ending with a letter or digit)");
    }
  }

  public static void checkValue(String field, String value) {
    if (value.length() > MAX_PROPERTY_VALUE) {
      throw new LimitException(
          field + ": longer than the limit of " + MAX_PROPERTY_VALUE + " characters");
    }
  }

  public static void checkCount(String field, int count, int max) {
    if (count > max) {
      throw new LimitException(field + ": " + count + " given, the limit is " + max);
    }
  }

  private static String shorten(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "…";
  }
}
