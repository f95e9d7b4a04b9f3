package io.cta.server.definition;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.util.Map;

/**
 * A stage of a commandLine test.
 *
 * @param timeout milliseconds the stage may run; null means the default of {@link #DEFAULT_TIMEOUT}
 */
public record StageDefinition(
    @Size(max = 200) String name,
    @NotBlank @Size(max = 8192) String run,
    @Size(max = 8192) String stop,
    @Size(max = 1024) String cwd,
    @Size(max = 200)
        Map<
                @Pattern(
                    regexp = "[A-Za-z_][A-Za-z0-9_]{0,199}",
                    message =
                        "must be an environment variable name: letters, digits and _, not"
                            + " starting with a digit")
                String,
                @Size(max = 32_768) String>
            env,
    Boolean mandatory,
    @Positive Long timeout) {

  /** One hour: a stage that runs longer is almost always stuck. */
  public static final long DEFAULT_TIMEOUT = 3_600_000L;

  public StageDefinition {
    env = env == null ? Map.of() : Map.copyOf(env);
    mandatory = mandatory == null ? Boolean.TRUE : mandatory;
    timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
  }
}
