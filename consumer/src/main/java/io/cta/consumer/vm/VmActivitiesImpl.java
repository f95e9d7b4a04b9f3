package io.cta.consumer.vm;

import io.cta.activities.FailureType;
import io.cta.activities.vm.CreateMachineRequest;
import io.cta.activities.vm.DestroyMachineRequest;
import io.cta.activities.vm.MachineCreated;
import io.cta.activities.vm.MachineUse;
import io.cta.activities.vm.PlaceRequest;
import io.cta.activities.vm.PlaceResult;
import io.cta.activities.vm.VmActivities;
import io.cta.server.machine.AllowList;
import io.cta.server.machine.Labels;
import io.cta.server.security.Role;
import io.cta.server.security.TokenStore;
import io.cta.server.vm.VmMachineDocument;
import io.cta.server.vm.VmMachineState;
import io.cta.server.vm.VmPoolDocument;
import io.cta.server.vm.VmPoolStore;
import io.cta.vm.AgentBootstrap;
import io.cta.vm.CreateRequest;
import io.cta.vm.Instance;
import io.cta.vm.InstanceTags;
import io.cta.vm.ProviderException;
import io.cta.vm.VmProvider;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer's side of a lease (docs/vm-manager.md#timeouts): thin calls into the pool store, the
 * token store and the pool's provider. Every method is idempotent: a machine is created once per
 * {@code <lease>-<attempt>} (its provider request id), and an ended machine is never moved again.
 */
public class VmActivitiesImpl implements VmActivities {

  private static final Logger log = LoggerFactory.getLogger(VmActivitiesImpl.class);

  private final VmPoolStore pools;
  private final TokenStore tokens;
  private final Function<String, Optional<VmProvider>> providers;
  private final String installation;
  private final String serverUrl;
  private final String temporalTarget;
  private final VmMetrics metrics;

  /**
   * @param providers the provider of each kind this consumer offers
   * @param installation this CTA installation's tag on every instance it makes
   * @param serverUrl the consumer's address as new machines' agents reach it
   * @param temporalTarget Temporal's frontend as new machines' agents reach it
   * @param metrics where ready times and failures are counted
   */
  public VmActivitiesImpl(
      VmPoolStore pools,
      TokenStore tokens,
      Function<String, Optional<VmProvider>> providers,
      String installation,
      String serverUrl,
      String temporalTarget,
      VmMetrics metrics) {
    this.metrics = metrics;
    this.pools = pools;
    this.tokens = tokens;
    this.providers = providers;
    this.installation = installation;
    this.serverUrl = serverUrl;
    this.temporalTarget = temporalTarget;
  }

  @Override
  public PlaceResult takePlace(PlaceRequest request) {
    VmPoolDocument pool = pool(request.poolId());
    if (Boolean.TRUE.equals(
        pools.takePlace(pool.id(), request.leaseId(), pool.maxMachines()).block())) {
      return new PlaceResult(true, null);
    }
    List<String> holders = pools.placeHolders(request.poolId()).block();
    return new PlaceResult(
        false,
        "pool '"
            + pool.name()
            + "' at its cap of "
            + pool.maxMachines()
            + ": "
            + (holders == null ? 0 : holders.size())
            + " leased");
  }

  @Override
  public void releasePlace(PlaceRequest request) {
    pools.releasePlace(request.poolId(), request.leaseId()).block();
  }

  @Override
  public MachineCreated createMachine(CreateMachineRequest request) {
    VmPoolDocument pool = pool(request.poolId());
    VmProvider provider = provider(pool);
    String id = request.machineId();
    String name = machineName(pool.name(), id);
    Instant now = Instant.now();
    pools
        .insertMachine(
            new VmMachineDocument(
                id,
                request.leaseId(),
                pool.id(),
                name,
                null,
                VmMachineState.creating,
                null,
                null,
                now,
                now))
        .block();
    Optional<Instance> existing = call(() -> provider.find(installation, id));
    if (existing.isPresent()) {
      return recordCreated(id, name, existing.get()); // created before this retry
    }
    // A token minted by an attempt that died before its create is unknown now: revoke it.
    tokens.revokeBoundTo(name).block();
    String secret =
        tokens
            .create("vm " + name, Role.agent, name, allowList(pool.labels()))
            .map(TokenStore.CreatedToken::secret)
            .block();
    AgentBootstrap agent =
        new AgentBootstrap(
            name,
            secret,
            serverUrl,
            temporalTarget,
            pool.labels().properties(),
            pool.labels().groups());
    Instance instance =
        call(
            () ->
                provider
                    .create(
                        List.of(
                            new CreateRequest(
                                id,
                                new InstanceTags(installation, pool.id(), request.leaseId()),
                                pool.template(),
                                agent)))
                    .get(0));
    log.info("vm pool {}: created machine {} ({})", pool.name(), name, instance.id());
    return recordCreated(id, name, instance);
  }

  private MachineCreated recordCreated(String id, String name, Instance instance) {
    pools.moveMachine(id, VmMachineState.creating, instance.id(), null, null).block();
    return new MachineCreated(instance.id(), name);
  }

  @Override
  public void recordUse(MachineUse use) {
    String id = CreateMachineRequest.machineId(use.leaseId(), use.attempt());
    VmMachineDocument before = pools.findMachine(id).block();
    if (before != null && before.state() == VmMachineState.creating) {
      metrics.machineReady(before, Instant.now());
    }
    pools
        .moveMachine(
            id,
            use.executionId() == null ? VmMachineState.ready : VmMachineState.leased,
            null,
            use.executionId(),
            null)
        .block();
  }

  @Override
  public void destroyMachine(DestroyMachineRequest request) {
    String id = CreateMachineRequest.machineId(request.leaseId(), request.attempt());
    VmMachineDocument machine = pools.findMachine(id).block();
    pools.moveMachine(id, VmMachineState.destroying, null, null, null).block();
    if (request.instanceId() != null) {
      VmPoolDocument pool = pools.find(request.poolId()).block();
      if (pool != null) {
        // Retried until a consumer that offers the provider destroys it: a machine must not leak.
        VmProvider provider =
            providers
                .apply(pool.provider())
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "this consumer offers no '" + pool.provider() + "' provider"));
        provider.destroy(request.instanceId());
      }
    }
    if (machine != null) {
      tokens.revokeBoundTo(machine.machine()).block();
    }
    VmMachineDocument ended =
        pools
            .moveMachine(
                id,
                request.failed() ? VmMachineState.failed : VmMachineState.destroyed,
                null,
                null,
                request.reason())
            .block();
    if (ended != null && request.failed()) {
      metrics.machineFailed();
    }
    log.info(
        "vm machine {} destroyed{}", id, request.reason() == null ? "" : ": " + request.reason());
  }

  /**
   * What a pool machine's token lets its agent declare: the pool's labels and nothing else, so a
   * machine cannot draw work meant for other labels (docs/security.md#agent-tokens-and-machines).
   */
  static AllowList allowList(Labels labels) {
    return new AllowList(
        List.copyOf(labels.groups()),
        labels.properties().entrySet().stream()
            .map(e -> new AllowList.AllowedProperty(e.getKey(), List.of(e.getValue())))
            .toList());
  }

  /** A machine's name: its pool's, then its id, within the 128 characters of a machine name. */
  static String machineName(String pool, String machineId) {
    String name = pool + "-" + machineId;
    return name.length() <= 128 ? name : name.substring(0, 128);
  }

  private VmPoolDocument pool(String poolId) {
    VmPoolDocument pool = pools.find(poolId).block();
    if (pool == null) {
      throw FailureType.NOT_FOUND.nonRetryable("vm pool '" + poolId + "' does not exist");
    }
    return pool;
  }

  private VmProvider provider(VmPoolDocument pool) {
    return providers
        .apply(pool.provider())
        .orElseThrow(
            () ->
                FailureType.VM_PROVIDER_REFUSED.nonRetryable(
                    "vm pool '"
                        + pool.name()
                        + "': this consumer offers no '"
                        + pool.provider()
                        + "' provider"));
  }

  /** A provider call; a permanent refusal is not retried, anything else is. */
  private static <T> T call(Supplier<T> call) {
    try {
      return call.get();
    } catch (ProviderException e) {
      if (e.permanent()) {
        throw FailureType.VM_PROVIDER_REFUSED.nonRetryable(e.getMessage());
      }
      throw e;
    }
  }
}
