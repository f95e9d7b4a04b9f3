package io.cta.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The promises every {@link VmProvider} keeps (docs/vm-manager.md#writing-a-provider), run against
 * each provider CTA ships: a retried create makes no second machine, list tells what exists now and
 * whose it is, destroy removes everything and may be repeated.
 */
public abstract class VmProviderContract {

  protected static final String INSTALLATION = "test-installation";

  /** A provider with nothing in it, ready to create at least three instances. */
  protected abstract VmProvider provider();

  /**
   * Called on a live instance: a check, run after it is destroyed, that whatever it held
   * (processes, files, disks) is gone.
   */
  protected abstract BooleanSupplier leavesNothingBehind(Instance live);

  @AfterEach
  void destroyEverything() {
    VmProvider provider = provider();
    for (String installation : List.of(INSTALLATION, "other-installation")) {
      provider.list(installation).forEach(instance -> provider.destroy(instance.id()));
    }
  }

  protected static CreateRequest request(String installation, String requestId) {
    return new CreateRequest(
        requestId,
        new InstanceTags(installation, "pool-1", "lease-" + requestId),
        Map.of(),
        new AgentBootstrap(
            "vm-" + requestId,
            "cta_secret-" + requestId,
            "http://127.0.0.1:1",
            "127.0.0.1:1",
            Map.of("os", "linux"),
            List.of("vms")));
  }

  protected static String newRequestId() {
    return "r" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  @Test
  void givenARequest_whenCreatedTwice_thenOneInstanceAnswersBoth() {
    String requestId = newRequestId();
    Instance first = provider().create(List.of(request(INSTALLATION, requestId))).get(0);
    Instance again = provider().create(List.of(request(INSTALLATION, requestId))).get(0);

    assertEquals(first.id(), again.id());
    assertEquals(requestId, again.requestId());
    assertEquals(1, provider().list(INSTALLATION).size());
  }

  @Test
  void givenAnInstance_whenListed_thenItShowsItsTagsAndRuns() {
    String requestId = newRequestId();
    Instance created = provider().create(List.of(request(INSTALLATION, requestId))).get(0);

    await(
        () ->
            provider()
                .find(INSTALLATION, created.id())
                .map(i -> i.state() == InstanceState.running)
                .orElse(false),
        "the instance runs");
    Instance listed = provider().find(INSTALLATION, created.id()).orElseThrow();
    assertEquals(new InstanceTags(INSTALLATION, "pool-1", "lease-" + requestId), listed.tags());
    assertEquals(requestId, listed.requestId());
    assertTrue(provider().connectInfo(created.id()).isPresent());
  }

  @Test
  void givenInstancesOfTwoInstallations_whenListed_thenEachSeesOnlyItsOwn() {
    Instance mine = provider().create(List.of(request(INSTALLATION, newRequestId()))).get(0);
    Instance theirs =
        provider().create(List.of(request("other-installation", newRequestId()))).get(0);

    assertEquals(
        List.of(mine.id()), provider().list(INSTALLATION).stream().map(Instance::id).toList());
    assertEquals(
        List.of(theirs.id()),
        provider().list("other-installation").stream().map(Instance::id).toList());
  }

  @Test
  void givenAnInstance_whenDestroyedTwice_thenItIsGoneAndNothingIsLeft() {
    Instance created = provider().create(List.of(request(INSTALLATION, newRequestId()))).get(0);
    int usedBefore = provider().capacity().used();
    BooleanSupplier nothingLeft = leavesNothingBehind(created);

    provider().destroy(created.id());
    provider().destroy(created.id());

    assertTrue(provider().list(INSTALLATION).isEmpty());
    assertFalse(provider().connectInfo(created.id()).isPresent());
    assertEquals(usedBefore - 1, provider().capacity().used());
    assertTrue(nothingLeft.getAsBoolean(), "nothing of the destroyed instance is left");
  }

  @Test
  void givenNoSuchInstance_whenDestroyed_thenNothingHappens() {
    provider().destroy("never-created");
    assertTrue(provider().list(INSTALLATION).isEmpty());
  }

  @Test
  void givenSeveralRequests_whenCreatedAtOnce_thenEachHasItsInstance() {
    List<Instance> created =
        provider()
            .create(
                List.of(
                    request(INSTALLATION, newRequestId()), request(INSTALLATION, newRequestId())));

    assertEquals(2, created.stream().map(Instance::id).distinct().count());
    assertEquals(2, provider().list(INSTALLATION).size());
  }

  /** Waits for a condition, failing with {@code what} after 20 s. */
  protected static void await(BooleanSupplier condition, String what) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out waiting until " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
