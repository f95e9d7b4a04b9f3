package io.cta.server.definition;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * One test of a suite; only the {@code commandLine} type exists so far. A new type is added here
 * (the {@code type} pattern) and as an executor of the agent (docs/agent.md, "Test types").
 *
 * @param reports globs of JUnit XML files the test's stages write, relative to its working
 *     directory
 */
public record TestDefinition(
    @NotBlank
        @Size(max = 200)
        @Pattern(regexp = "[A-Za-z0-9._:-]+", message = "use letters, digits, '.', '_', ':' or '-'")
        String id,
    @Size(max = 500) String name,
    @Size(max = 10_000) String description,
    @Pattern(regexp = "commandLine", message = "must be commandLine") String type,
    @Size(max = 50) List<@NotBlank @Size(max = 1024) String> reports,
    @NotEmpty @Size(max = 100) List<@Valid StageDefinition> stages) {

  public static final String COMMAND_LINE = "commandLine";

  public TestDefinition {
    type = type == null ? COMMAND_LINE : type;
    name = name == null ? id : name;
    reports = reports == null ? List.of() : List.copyOf(reports);
    stages = stages == null ? List.of() : List.copyOf(stages);
  }
}
