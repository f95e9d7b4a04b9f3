package io.cta.server.definition;

import io.cta.activities.RunMode;
import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/** Which machines run a suite, and how (design.md section 2). */
@Document("configurations")
public record ConfigurationDocument(
    @Id String id,
    String name,
    RunMode runMode,
    MachineType type,
    Target target,
    Instant createdAt,
    Instant updatedAt) {

  public enum MachineType {
    physical,
    virtual
  }
}
