package io.cta.api.configuration;

import io.cta.activities.RunMode;
import io.cta.server.definition.ConfigurationDocument.MachineType;
import io.cta.server.definition.TargetFields;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * Body of {@code POST/PUT /api/v1/configurations}; run mode defaults to mono, type to physical.
 *
 * @param includeOffline count machines that are offline when an execution is composed as targeted
 *     (default false: only online machines are)
 */
public record ConfigurationRequest(
    @NotBlank @Size(max = 200) String name,
    RunMode runMode,
    MachineType type,
    @NotNull TargetFields target,
    Boolean includeOffline) {}
