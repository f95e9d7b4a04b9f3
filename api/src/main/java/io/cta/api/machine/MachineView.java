package io.cta.api.machine;

import io.cta.server.machine.LabelRemovals;
import io.cta.server.machine.Labels;
import io.cta.server.machine.MachineDocument;
import io.cta.server.machine.MachineKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A machine as the API shows it: effective labels, and what was declared and assigned.
 *
 * @param refused declared labels its agent token does not allow: they do not count
 * @param removed declared labels an operator removed (PATCH): they do not count
 * @param kind {@code agent} or {@code ssh} (docs/agentless.md)
 * @param ssh how the SSH runner reaches an SSH machine; null for an agent's
 * @param offlineReason why it is offline (for an SSH machine: the last probe's failure); null
 *     unless offline
 */
public record MachineView(
    String id,
    String name,
    String hostname,
    String ip,
    String os,
    String arch,
    int cpus,
    long memoryBytes,
    Map<String, String> properties,
    List<String> groups,
    Labels declared,
    Labels assigned,
    int slots,
    String status,
    Instant lastSeenAt,
    List<String> executions,
    String agentVersion,
    Labels refused,
    LabelRemovals removed,
    MachineKind kind,
    SshView ssh,
    String offlineReason) {

  static MachineView of(MachineDocument m, Instant now, Duration offlineAfter) {
    Labels effective = m.effective();
    return new MachineView(
        m.id(),
        m.name(),
        m.hostname(),
        m.ip(),
        m.os(),
        m.arch(),
        m.cpus(),
        m.memoryBytes(),
        effective.properties(),
        effective.groups(),
        m.declared(),
        m.assigned(),
        m.slots(),
        m.status(now, offlineAfter),
        m.lastSeenAt(),
        m.executions(),
        m.agentVersion(),
        m.refused() == null ? Labels.EMPTY : m.refused(),
        m.removed() == null ? LabelRemovals.NONE : m.removed(),
        m.kind(),
        SshView.of(m.ssh()),
        m.offlineReason(now, offlineAfter));
  }
}
