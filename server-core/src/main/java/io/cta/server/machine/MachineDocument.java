package io.cta.server.machine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A test machine with an agent. Its name is unique; its status is derived from the last heartbeat,
 * the executions it runs and whether it drains.
 */
@Document("machines")
public record MachineDocument(
    @Id String id,
    String name,
    String hostname,
    String ip,
    String os,
    String arch,
    int cpus,
    long memoryBytes,
    Labels declared,
    Labels assigned,
    int slots,
    String agentVersion,
    Instant registeredAt,
    Instant lastSeenAt,
    List<String> executions,
    boolean draining) {

  public Labels effective() {
    Labels d = declared == null ? Labels.EMPTY : declared;
    return d.overriddenBy(assigned == null ? Labels.EMPTY : assigned);
  }

  /** This machine after a heartbeat at {@code now} reporting {@code running} executions. */
  public MachineDocument seen(List<String> running, Instant now) {
    return new MachineDocument(
        id,
        name,
        hostname,
        ip,
        os,
        arch,
        cpus,
        memoryBytes,
        declared,
        assigned,
        slots,
        agentVersion,
        registeredAt,
        now,
        running,
        draining);
  }

  public String status(Instant now, Duration offlineAfter) {
    if (lastSeenAt == null || lastSeenAt.plus(offlineAfter).isBefore(now)) {
      return "offline";
    }
    if (draining) {
      return "draining";
    }
    return executions != null && !executions.isEmpty() ? "busy" : "online";
  }
}
