package io.cta.api.suite;

import io.cta.server.definition.TestDefinition;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/** Body of {@code POST/PUT /api/v1/suites}. */
public record SuiteRequest(
    @NotBlank @Size(max = 200) String name,
    @Size(max = 10_000) String description,
    @NotEmpty @Size(max = 10_000) List<@NotNull @Valid TestDefinition> tests) {}
