package io.cta.consumer.vm;

import io.cta.server.vm.VmMachineDocument;
import io.cta.server.vm.VmMachineState;
import io.cta.server.vm.VmPoolStore;
import io.cta.vm.Instance;
import io.cta.vm.VmProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * No orphans (docs/vm-manager.md#orphans): one pass destroys every instance tagged with this
 * installation that no live machine document owns (made behind CTA's back, or left by a consumer
 * killed between its create and its record), and ends every running machine whose instance is gone,
 * telling its lease. Every consumer may run passes at once: destroys are idempotent and an ended
 * machine never moves again.
 */
public class VmOrphans {

  private static final Logger log = LoggerFactory.getLogger(VmOrphans.class);

  /** What a pass did. */
  public record Pass(List<String> destroyed, List<String> ended) {}

  private final VmPoolStore pools;
  private final List<VmProvider> providers;
  private final String installation;
  private final Duration grace;
  private final BiConsumer<String, String> leaseGone;

  /**
   * @param providers every provider this consumer offers
   * @param installation this installation's tag: instances of others are never touched
   * @param grace instances younger than this are left alone, as their lease may be recording them
   * @param leaseGone tells a lease (by id) that its machine's instance is gone, with the reason
   */
  public VmOrphans(
      VmPoolStore pools,
      List<VmProvider> providers,
      String installation,
      Duration grace,
      BiConsumer<String, String> leaseGone) {
    this.leaseGone = leaseGone;
    this.pools = pools;
    this.providers = List.copyOf(providers);
    this.installation = installation;
    this.grace = grace;
  }

  public Pass pass(Instant now) {
    List<String> destroyed = new java.util.ArrayList<>();
    Set<String> existing = new HashSet<>();
    for (VmProvider provider : providers) {
      for (Instance instance : provider.list(installation)) {
        existing.add(instance.id());
        if (instance.createdAt().isAfter(now.minus(grace))) {
          continue;
        }
        VmMachineDocument owner = pools.findMachine(instance.requestId()).block();
        if (owner == null || !owner.state().live()) {
          provider.destroy(instance.id());
          destroyed.add(instance.id());
          log.warn(
              "destroyed {} instance {} that no live machine owns (lease {})",
              provider.kind(),
              instance.id(),
              instance.tags().lease());
        }
      }
    }
    List<String> ended = new java.util.ArrayList<>();
    List<VmMachineDocument> running = pools.runningMachines().collectList().block();
    for (VmMachineDocument machine : running == null ? List.<VmMachineDocument>of() : running) {
      String reason = "its instance " + machine.instanceId() + " is gone";
      if (!existing.contains(machine.instanceId())
          && machine.updatedAt().isBefore(now.minus(grace))
          && pools.moveMachine(machine.id(), VmMachineState.failed, null, null, reason).block()
              != null) {
        ended.add(machine.id());
        log.warn("machine {}: {}", machine.machine(), reason);
        try {
          leaseGone.accept(machine.leaseId(), reason);
        } catch (RuntimeException e) {
          // Its lease then ends at its VM timeout or release, as the machine document says.
          log.warn(
              "could not tell lease {} its instance is gone: {}", machine.leaseId(), e.toString());
        }
      }
    }
    return new Pass(destroyed, ended);
  }
}
