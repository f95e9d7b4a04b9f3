package io.cta.api.vm;

import io.cta.server.vm.VmMachineDocument;
import io.cta.server.vm.VmMachineState;
import io.cta.server.vm.VmPoolDocument;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A VM pool as the api shows it; {@code machines} only in {@code GET /vm-pools/{name}} (null in the
 * list): its live machines, then its latest ended ones.
 */
public record VmPoolView(
    String id,
    String name,
    String provider,
    Map<String, String> template,
    int maxMachines,
    long vmTimeout,
    long launchTimeout,
    int warm,
    Map<String, String> properties,
    List<String> groups,
    Instant createdAt,
    Instant updatedAt,
    List<Machine> machines) {

  /**
   * One machine of the pool.
   *
   * @param id {@code <lease>-<attempt>}: a lease's second machine replaces a first whose agent
   *     never registered
   * @param lease the lease that owns it
   * @param name the machine name its agent registers under
   * @param instanceId the provider's id of it, once created
   * @param executionId the execution that leases it, if any
   * @param reason why it failed, or why it was destroyed early
   */
  public record Machine(
      String id,
      String lease,
      String name,
      VmMachineState state,
      String instanceId,
      String executionId,
      String reason,
      Instant createdAt,
      Instant updatedAt) {

    static Machine of(VmMachineDocument d) {
      return new Machine(
          d.id(),
          d.leaseId(),
          d.machine(),
          d.state(),
          d.instanceId(),
          d.executionId(),
          d.reason(),
          d.createdAt(),
          d.updatedAt());
    }
  }

  static VmPoolView of(VmPoolDocument d, List<Machine> machines) {
    return new VmPoolView(
        d.id(),
        d.name(),
        d.provider(),
        d.template(),
        d.maxMachines(),
        d.vmTimeoutMs(),
        d.launchTimeoutMs(),
        d.warm(),
        d.labels().properties(),
        d.labels().groups(),
        d.createdAt(),
        d.updatedAt(),
        machines);
  }
}
