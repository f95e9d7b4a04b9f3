package io.cta.server.vm;

import io.cta.server.machine.Labels;
import java.time.Instant;
import java.util.Map;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A VM pool (docs/vm-manager.md#pools): where and how machines are made for virtual configurations.
 *
 * @param name unique (a unique index); also the stem of its machines' names
 * @param provider the provider kind that makes its machines ({@code local})
 * @param template what the pool asks of the provider; keys are plain words (no dots), so the map is
 *     stored as it is
 * @param maxMachines how many of its machines may exist at once, whoever leases them
 * @param vmTimeoutMs how long a machine may live from its creation, in milliseconds
 * @param launchTimeoutMs how long a new machine's agent may take to register, in milliseconds
 * @param warm how many idle ready machines it keeps between executions
 * @param labels the properties and groups its machines' agents declare
 */
@Document("vm-pools")
public record VmPoolDocument(
    @Id String id,
    String name,
    String provider,
    Map<String, String> template,
    int maxMachines,
    long vmTimeoutMs,
    long launchTimeoutMs,
    int warm,
    Labels labels,
    Instant createdAt,
    Instant updatedAt) {

  public VmPoolDocument {
    template = template == null ? Map.of() : Map.copyOf(template);
    labels = labels == null ? Labels.EMPTY : labels;
  }
}
