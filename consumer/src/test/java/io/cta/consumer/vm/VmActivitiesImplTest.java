package io.cta.consumer.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.bwaldvogel.mongo.MongoServer;
import io.cta.activities.FailureType;
import io.cta.activities.vm.CreateMachineRequest;
import io.cta.activities.vm.DestroyMachineRequest;
import io.cta.activities.vm.MachineCreated;
import io.cta.activities.vm.MachineUse;
import io.cta.activities.vm.PlaceRequest;
import io.cta.activities.vm.PlaceResult;
import io.cta.consumer.Fixtures;
import io.cta.server.machine.Labels;
import io.cta.server.security.TokenDocument;
import io.cta.server.security.TokenStore;
import io.cta.server.vm.VmMachineDocument;
import io.cta.server.vm.VmMachineState;
import io.cta.server.vm.VmPoolDocument;
import io.cta.server.vm.VmPoolStore;
import io.cta.vm.VmProvider;
import io.cta.vm.local.LocalProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

/** The lease's activities on the embedded MongoDB and the real {@code local} provider. */
class VmActivitiesImplTest {

  private static MongoServer mongoServer;

  @TempDir Path machines;
  private ReactiveMongoTemplate mongo;
  private VmPoolStore pools;
  private LocalProvider local;
  private VmActivitiesImpl activities;
  private SimpleMeterRegistry registry;
  private VmMetrics metrics;

  @BeforeAll
  static void startMongo() {
    mongoServer = Fixtures.mongoServer();
  }

  @AfterAll
  static void stopMongo() {
    mongoServer.shutdownNow();
  }

  @BeforeEach
  void setUp() {
    mongo = Fixtures.mongo(mongoServer);
    pools = new VmPoolStore(mongo);
    registry = new SimpleMeterRegistry();
    metrics = new VmMetrics(registry, pools);
    // The "agent" is a shell that waits: what matters here is its process and directory.
    local =
        new LocalProvider(
            machines,
            (agent, tokenFile, workDir) -> List.of("sh", "-c", "sleep 300"),
            4,
            Duration.ofSeconds(5));
    activities =
        new VmActivitiesImpl(
            pools,
            new TokenStore(mongo),
            kind -> kind.equals("local") ? Optional.<VmProvider>of(local) : Optional.empty(),
            "test-installation",
            "http://127.0.0.1:8081",
            "127.0.0.1:7233",
            metrics);
    Instant now = Instant.now();
    mongo
        .insert(
            new VmPoolDocument(
                "pool-1",
                "linux",
                "local",
                Map.of(),
                1,
                3_600_000,
                300_000,
                0,
                new Labels(Map.of("os", "linux"), List.of("vms")),
                now,
                now))
        .block();
  }

  @AfterEach
  void destroyEverything() {
    local.list("test-installation").forEach(instance -> local.destroy(instance.id()));
  }

  private List<TokenDocument> tokensOf(String machine) {
    return mongo
        .findAll(TokenDocument.class)
        .filter(t -> machine.equals(t.machine()))
        .collectList()
        .block();
  }

  @Test
  void givenAMachineRequest_whenCreatedTwice_thenOneMachineOneTokenAndItsDocumentCreating() {
    CreateMachineRequest request = new CreateMachineRequest("pool-1", "lease-a", 1);

    MachineCreated first = activities.createMachine(request);
    MachineCreated again = activities.createMachine(request);

    assertEquals(first, again);
    assertEquals("linux-lease-a-1", first.machine());
    assertEquals(1, local.list("test-installation").size());
    assertEquals(1, tokensOf("linux-lease-a-1").size());
    TokenDocument token = tokensOf("linux-lease-a-1").get(0);
    assertEquals(List.of("vms"), token.groups(), "its agent may declare the pool's groups only");
    assertEquals(
        List.of(new io.cta.server.machine.AllowList.AllowedProperty("os", List.of("linux"))),
        token.properties());
    VmMachineDocument machine = pools.findMachine("lease-a-1").block();
    assertEquals(VmMachineState.creating, machine.state());
    assertEquals(first.instanceId(), machine.instanceId());
    assertEquals("lease-a", local.list("test-installation").get(0).tags().lease());
  }

  @Test
  void givenACreatedMachine_whenLeasedThenDestroyedTwice_thenItsProcessTokenAndDirectoryAreGone() {
    MachineCreated created =
        activities.createMachine(new CreateMachineRequest("pool-1", "lease-b", 1));
    activities.recordUse(new MachineUse("lease-b", 1, "exec-1"));
    assertEquals(VmMachineState.leased, pools.findMachine("lease-b-1").block().state());
    assertEquals(1, registry.get("cta.vm.machine.ready").timer().count());
    metrics.count().block();
    assertEquals(
        1.0,
        registry.get("cta.vm.machines").tags("pool", "pool-1", "state", "leased").gauge().value());
    assertEquals("exec-1", pools.findMachine("lease-b-1").block().executionId());

    DestroyMachineRequest destroy =
        new DestroyMachineRequest(
            "pool-1", "lease-b", 1, created.instanceId(), true, "VM timeout of 1h exceeded on x");
    activities.destroyMachine(destroy);
    activities.destroyMachine(destroy);

    assertTrue(local.list("test-installation").isEmpty());
    assertFalse(Files.exists(machines.resolve(created.instanceId())));
    assertTrue(tokensOf(created.machine()).isEmpty(), "its token is revoked");
    VmMachineDocument machine = pools.findMachine("lease-b-1").block();
    assertEquals(VmMachineState.failed, machine.state());
    assertEquals("VM timeout of 1h exceeded on x", machine.reason());
    assertEquals(1.0, registry.get("cta.vm.machines.failed").counter().count(), "counted once");
    metrics.count().block();
    assertTrue(registry.find("cta.vm.machines").gauges().isEmpty(), "no live machine left");
  }

  @Test
  void
      givenAPoolOfOne_whenTwoLeasesAskForAPlace_thenTheSecondWaitsWithTheReasonUntilTheFirstFrees() {
    assertTrue(activities.takePlace(new PlaceRequest("pool-1", "lease-1")).taken());
    assertTrue(activities.takePlace(new PlaceRequest("pool-1", "lease-1")).taken(), "idempotent");

    PlaceResult refused = activities.takePlace(new PlaceRequest("pool-1", "lease-2"));
    assertFalse(refused.taken());
    assertEquals("pool 'linux' at its cap of 1: 1 leased", refused.reason());

    activities.releasePlace(new PlaceRequest("pool-1", "lease-1"));
    activities.releasePlace(new PlaceRequest("pool-1", "lease-1"));
    assertTrue(activities.takePlace(new PlaceRequest("pool-1", "lease-2")).taken());
    assertNull(activities.takePlace(new PlaceRequest("pool-1", "lease-2")).reason());
  }

  @Test
  void givenAPoolWhoseProviderThisConsumerLacks_whenAMachineIsAsked_thenRefusedForGood() {
    mongo
        .insert(
            new VmPoolDocument(
                "pool-2",
                "kvm",
                "libvirt",
                Map.of(),
                1,
                3_600_000,
                300_000,
                0,
                null,
                Instant.now(),
                Instant.now()))
        .block();

    ApplicationFailure refused =
        assertThrows(
            ApplicationFailure.class,
            () -> activities.createMachine(new CreateMachineRequest("pool-2", "lease-c", 1)));

    assertTrue(FailureType.VM_PROVIDER_REFUSED.is(refused));
    assertTrue(refused.isNonRetryable());
    assertNotNull(refused.getOriginalMessage());
    assertTrue(refused.getOriginalMessage().contains("offers no 'libvirt' provider"));
  }
}
