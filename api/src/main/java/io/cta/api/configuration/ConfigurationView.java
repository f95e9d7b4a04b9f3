package io.cta.api.configuration;

import io.cta.activities.RunMode;
import io.cta.server.definition.ConfigurationDocument;
import io.cta.server.definition.ConfigurationDocument.MachineType;
import io.cta.server.definition.TargetFields;
import java.time.Instant;

public record ConfigurationView(
    String id,
    String name,
    RunMode runMode,
    MachineType type,
    TargetFields target,
    boolean includeOffline,
    Instant createdAt,
    Instant updatedAt) {

  static ConfigurationView of(ConfigurationDocument d) {
    return new ConfigurationView(
        d.id(),
        d.name(),
        d.runMode(),
        d.type(),
        d.target() == null ? null : d.target().fields(),
        d.includeOffline(),
        d.createdAt(),
        d.updatedAt());
  }
}
