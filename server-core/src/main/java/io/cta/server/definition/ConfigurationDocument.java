package io.cta.server.definition;

import io.cta.activities.RunMode;
import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * Which machines run a suite, and how (docs/design.md#vocabulary, docs/configurations.md).
 *
 * @param includeOffline whether machines that are offline when the execution is composed still
 *     count as targeted (listed, and in stress expected to run); by default only online ones do
 */
@Document("configurations")
public record ConfigurationDocument(
    @Id String id,
    String name,
    RunMode runMode,
    MachineType type,
    Target target,
    boolean includeOffline,
    Instant createdAt,
    Instant updatedAt) {

  public enum MachineType {
    physical,
    virtual
  }
}
