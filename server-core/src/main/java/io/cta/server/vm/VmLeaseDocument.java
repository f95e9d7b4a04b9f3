package io.cta.server.vm;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * One machine of a pool through its life, written by its lease workflow's activities (docs/vm-
 * manager.md#machines). A lease owns at most one provider instance at a time.
 *
 * @param id the lease id, also the tag on its provider instance
 * @param poolId the pool's id
 * @param machine the machine name its agent registers under
 * @param instanceId the provider's instance, once created
 * @param state where it is in its life
 * @param executionId the execution that leases it, if any
 * @param reason why it failed or was destroyed early
 * @param createdAt when the lease asked for its machine
 * @param updatedAt its last change
 */
@Document("vm-leases")
public record VmLeaseDocument(
    @Id String id,
    String poolId,
    String machine,
    String instanceId,
    VmMachineState state,
    String executionId,
    String reason,
    Instant createdAt,
    Instant updatedAt) {}
