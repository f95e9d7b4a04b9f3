package io.cta.agent.secret;

import io.cta.testrunner.mask.Masker;
import java.util.Map;

/**
 * The secret values of one test attempt, and the masker that hides them. They live only as long as
 * the test: nothing stores them, and {@link #toString} leaves them out.
 */
public final class Secrets {

  /** A test that references no secret. */
  public static final Secrets NONE = new Secrets(Map.of());

  private final Map<String, String> values;
  private final Masker masker;

  private Secrets(Map<String, String> values) {
    this.values = Map.copyOf(values);
    this.masker = Masker.of(values.values());
  }

  public static Secrets of(Map<String, String> values) {
    return values.isEmpty() ? NONE : new Secrets(values);
  }

  /** Values by secret name. */
  public Map<String, String> values() {
    return values;
  }

  /** Masks every value of these secrets. */
  public Masker masker() {
    return masker;
  }

  /** An environment value with its {@code ${secret:NAME}} references resolved. */
  public String resolve(String value) {
    return SecretReferences.resolve(value, values);
  }

  @Override
  public String toString() {
    return "Secrets" + values.keySet();
  }
}
