package io.cta.api.machine;

import java.util.List;
import java.util.Map;

/**
 * Body of {@code PATCH /api/v1/machines/{id}}: the server-assigned labels; null keeps a part.
 * Limits: {@link io.cta.server.machine.LabelLimits} (docs/api.md, "Limits").
 *
 * @param properties the assigned properties (replacing those assigned before); a property given as
 *     null is removed, even if the machine's agent declares it
 * @param groups the assigned groups (replacing those assigned before)
 * @param removeGroups declared groups that do not count for this machine (replacing those removed
 *     before; {@code []} removes none)
 * @param ssh an SSH machine's new connection, whole (docs/agentless.md); refused for an agent's
 * @param slots an SSH machine's tests at once, 1-1024; an agent declares its own
 */
public record MachinePatch(
    Map<String, String> properties,
    List<String> groups,
    List<String> removeGroups,
    SshRequest ssh,
    Integer slots) {}
