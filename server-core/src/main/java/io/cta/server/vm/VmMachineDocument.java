package io.cta.server.vm;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * One machine of a pool through its life, written by its lease workflow's activities
 * (docs/vm-manager.md#machines). A lease makes one machine, and a second one when the first one's
 * agent never registered.
 *
 * @param id {@code <lease id>-<attempt>}: also the provider's request id and the instance's tag
 * @param leaseId the lease that owns it
 * @param poolId the pool's id
 * @param machine the machine name its agent registers under
 * @param instanceId the provider's instance, once created
 * @param state where it is in its life
 * @param executionId the execution that leases it, if any
 * @param reason why it failed or was destroyed early
 * @param createdAt when the lease asked for it
 * @param updatedAt its last change
 */
@Document("vm-machines")
public record VmMachineDocument(
    @Id String id,
    String leaseId,
    String poolId,
    String machine,
    String instanceId,
    VmMachineState state,
    String executionId,
    String reason,
    Instant createdAt,
    Instant updatedAt) {}
