package io.cta.vm;

import java.time.Instant;

/**
 * An instance as its provider sees it now.
 *
 * @param id the provider's id of the instance, stable for its life
 * @param requestId the request that created it
 * @param tags its installation, pool and lease
 * @param state what it is doing
 * @param createdAt when it was created
 */
public record Instance(
    String id, String requestId, InstanceTags tags, InstanceState state, Instant createdAt) {}
