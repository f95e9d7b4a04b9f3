package io.cta.api.machine;

import java.util.List;
import java.util.Map;

/**
 * Body of {@code POST /api/v1/machines}: a machine no agent registers (docs/agentless.md). Only
 * {@code "kind": "ssh"} is declared this way; agents register their machines themselves.
 *
 * @param kind {@code ssh}
 * @param os the host's operating system, {@code linux} by default; POSIX hosts only (Windows is
 *     refused)
 * @param properties assigned properties, as a PATCH sets them
 * @param groups assigned groups
 * @param slots tests it runs at once, 1-1024 (1 by default)
 */
public record MachineRequest(
    String name,
    String kind,
    String os,
    SshRequest ssh,
    Map<String, String> properties,
    List<String> groups,
    Integer slots) {}
