package io.cta.api.configuration;

import io.cta.activities.RunMode;
import io.cta.server.definition.ConfigurationDocument.MachineType;
import io.cta.server.definition.Target;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** Body of {@code POST/PUT /api/v1/configurations}; run mode defaults to mono, type to physical. */
public record ConfigurationRequest(
    @NotBlank @Size(max = 200) String name,
    RunMode runMode,
    MachineType type,
    @NotNull Target target) {}
