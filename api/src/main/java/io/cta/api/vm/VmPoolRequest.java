package io.cta.api.vm;

import java.util.List;
import java.util.Map;

/**
 * Body of {@code POST/PUT /api/v1/vm-pools} (docs/vm-manager.md#pools); timeouts in milliseconds.
 * Everything is checked by {@link VmPools#check}, which names the field of each refusal.
 */
public record VmPoolRequest(
    String name,
    String provider,
    Map<String, String> template,
    Integer maxMachines,
    Long vmTimeout,
    Long launchTimeout,
    Integer warm,
    Map<String, String> properties,
    List<String> groups) {}
