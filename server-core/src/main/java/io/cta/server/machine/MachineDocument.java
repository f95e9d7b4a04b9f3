package io.cta.server.machine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A test machine with an agent. Its name is unique; its status is derived from the last heartbeat,
 * the executions it runs, whether it drains and whether its agent deregistered.
 *
 * @param draining an operator asked it to drain (or its agent is stopping): it takes no new work,
 *     and its agent exits once its running tests end; cleared when its agent registers again
 * @param deregistered its agent said goodbye (after a drain): offline until it registers again
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
    boolean draining,
    boolean deregistered) {

  public Labels effective() {
    Labels d = declared == null ? Labels.EMPTY : declared;
    return d.overriddenBy(assigned == null ? Labels.EMPTY : assigned);
  }

  /**
   * This machine after a heartbeat at {@code now} reporting {@code running} executions, and
   * draining from now on if {@code stopping}.
   */
  public MachineDocument seen(List<String> running, Instant now, boolean stopping) {
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
        draining || stopping,
        deregistered);
  }

  public String status(Instant now, Duration offlineAfter) {
    if (deregistered || lastSeenAt == null || lastSeenAt.plus(offlineAfter).isBefore(now)) {
      return "offline";
    }
    if (draining) {
      return "draining";
    }
    return executions != null && !executions.isEmpty() ? "busy" : "online";
  }
}
