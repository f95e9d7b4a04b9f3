package io.cta.agent.secret;

import io.cta.activities.agent.StageSpec;
import io.cta.activities.agent.TestSpec;
import io.cta.temporal.TaskQueues;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code ${secret:NAME}} references in stage environment values (docs/agent.md, "Secrets"). A
 * reference may sit inside a longer value ({@code jdbc:...?password=${secret:DB_PASSWORD}}); names
 * follow the machine-name rule ({@link TaskQueues#isValidName}), the api's rule when it checks a
 * suite. Anything else that looks like {@code ${...}} is left as it is.
 */
public final class SecretReferences {

  /** Read as the api reads them: a name is whatever stands before the next brace ... */
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{secret:([^}]*)}");

  private SecretReferences() {}

  /** The names the test's stages reference, sorted. */
  public static Set<String> in(TestSpec test) {
    Set<String> names = new TreeSet<>();
    for (StageSpec stage : test.stages()) {
      for (String value : stage.env().values()) {
        if (value != null) {
          Matcher matcher = REFERENCE.matcher(value);
          while (matcher.find()) {
            // ... and only a valid name makes a reference (the api refuses suites with others).
            if (TaskQueues.isValidName(matcher.group(1))) {
              names.add(matcher.group(1));
            }
          }
        }
      }
    }
    return names;
  }

  /**
   * The value with each reference replaced by its secret's value.
   *
   * @throws IllegalStateException when a referenced secret is not among {@code values}: a test runs
   *     only once all its references resolved, never with an empty value in their place
   */
  public static String resolve(String value, Map<String, String> values) {
    if (value == null || !value.contains("${secret:")) {
      return value;
    }
    return REFERENCE
        .matcher(value)
        .replaceAll(
            reference -> {
              if (!TaskQueues.isValidName(reference.group(1))) {
                return Matcher.quoteReplacement(reference.group());
              }
              String resolved = values.get(reference.group(1));
              if (resolved == null) {
                throw new IllegalStateException(
                    "secret '" + reference.group(1) + "' was not resolved");
              }
              return Matcher.quoteReplacement(resolved);
            });
  }
}
