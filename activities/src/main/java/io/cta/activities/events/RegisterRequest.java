package io.cta.activities.events;

import java.util.List;
import java.util.Map;

/** {@code POST /agent/v1/register}: what an agent declares about its machine. */
public record RegisterRequest(
    String name,
    String hostname,
    String ip,
    String os,
    String arch,
    int cpus,
    long memoryBytes,
    String agentVersion,
    Map<String, String> properties,
    List<String> groups,
    int slots) {}
