package io.cta.server.secret;

import io.cta.server.definition.StageDefinition;
import io.cta.server.definition.TestDefinition;
import io.cta.temporal.TaskQueues;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code ${secret:NAME}} references of stage environment values (docs/api.md, "Secrets"). A
 * reference may stand alone or inside a longer string; a value may hold several. Secret names
 * follow the rule of machine names.
 */
public final class SecretReferences {

  /** The opening of a reference; everything up to the next {@code }} is the name. */
  public static final String OPEN = "${secret:";

  private static final Pattern REFERENCE = Pattern.compile("\\$\\{secret:([^}]*)}");

  private SecretReferences() {}

  /**
   * The names referenced by one value, in order of first appearance.
   *
   * @throws IllegalArgumentException for a reference without a valid name or without its closing
   *     brace; the message quotes the reference, which holds no value
   */
  public static Set<String> in(String value) {
    Set<String> names = new LinkedHashSet<>();
    if (value == null || !value.contains(OPEN)) {
      return names;
    }
    Matcher matcher = REFERENCE.matcher(value);
    int end = 0;
    while (matcher.find()) {
      String name = matcher.group(1);
      if (!TaskQueues.isValidName(name)) {
        throw new IllegalArgumentException(
            "'${secret:"
                + abbreviate(name)
                + "}' does not name a secret (1-128 letters, digits, '.', '_' or '-')");
      }
      names.add(name);
      end = matcher.end();
    }
    if (value.indexOf(OPEN, end) >= 0) {
      throw new IllegalArgumentException("'" + OPEN + "' has no closing '}'");
    }
    return names;
  }

  /** Every name referenced by a test's stages; references are assumed valid (checked at save). */
  public static Set<String> in(TestDefinition test) {
    Set<String> names = new LinkedHashSet<>();
    for (StageDefinition stage : test.stages()) {
      stage.env().values().forEach(value -> names.addAll(lenient(value)));
    }
    return names;
  }

  /** Every name referenced by some tests. */
  public static Set<String> in(Collection<TestDefinition> tests) {
    Set<String> names = new LinkedHashSet<>();
    tests.forEach(test -> names.addAll(in(test)));
    return names;
  }

  /** The well-formed references of a value, skipping malformed ones (stored before validation). */
  private static Set<String> lenient(String value) {
    Set<String> names = new LinkedHashSet<>();
    if (value == null || !value.contains(OPEN)) {
      return names;
    }
    Matcher matcher = REFERENCE.matcher(value);
    while (matcher.find()) {
      if (TaskQueues.isValidName(matcher.group(1))) {
        names.add(matcher.group(1));
      }
    }
    return names;
  }

  private static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "…";
  }
}
