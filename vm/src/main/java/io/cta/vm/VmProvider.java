package io.cta.vm;

import java.util.List;
import java.util.Optional;

/**
 * What CTA asks of a place that makes machines (docs/vm-manager.md#writing-a-provider). Shaped like
 * GitLab's fleeting plugins: the provider only creates, lists and destroys instances; every policy
 * (caps, timeouts, warm machines, which lease owns what) stays in CTA's lease workflow.
 *
 * <p>Every method may be called again after a crash of its caller, from another process: {@link
 * #create} is idempotent by {@link CreateRequest#requestId()}, {@link #destroy} by instance id, and
 * {@link #list} answers what exists now, not what this object remembers. Methods block; callers run
 * them in activities.
 */
public interface VmProvider {

  /** The provider's kind as a pool names it ({@code local}, {@code libvirt}). */
  String kind();

  /**
   * Creates one instance per request, or answers the instance a request already created (same
   * request id): a retried activity never makes a second machine. The answered instances are {@link
   * InstanceState#creating} or {@link InstanceState#running}; their agents register by themselves
   * with the name and token of {@link CreateRequest#agent()}.
   */
  List<Instance> create(List<CreateRequest> requests);

  /** Every instance of this provider tagged with {@code installation}, whatever its lease. */
  List<Instance> list(String installation);

  /** The instance with this id, if it exists. */
  default Optional<Instance> find(String installation, String instanceId) {
    return list(installation).stream().filter(i -> i.id().equals(instanceId)).findFirst();
  }

  /** How to reach an instance (its host name and address); empty when it does not exist. */
  Optional<ConnectInfo> connectInfo(String instanceId);

  /**
   * Destroys an instance and everything it holds (its processes, disks, directories). Destroying an
   * instance that is already gone does nothing.
   */
  void destroy(String instanceId);

  /** How many more instances this provider can make now, whatever CTA's own caps. */
  Capacity capacity();
}
