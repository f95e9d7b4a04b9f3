package io.cta.consumer.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.bwaldvogel.mongo.MongoServer;
import io.cta.consumer.Fixtures;
import io.cta.server.vm.VmMachineDocument;
import io.cta.server.vm.VmMachineState;
import io.cta.server.vm.VmPoolStore;
import io.cta.vm.AgentBootstrap;
import io.cta.vm.CreateRequest;
import io.cta.vm.Instance;
import io.cta.vm.InstanceTags;
import io.cta.vm.local.LocalProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The orphan pass on the embedded MongoDB and the real {@code local} provider. */
class VmOrphansTest {

  private static final Duration GRACE = Duration.ofMinutes(1);
  private static MongoServer mongoServer;

  @TempDir Path base;
  private VmPoolStore pools;
  private LocalProvider local;
  private VmOrphans orphans;
  private final List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();

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
    pools = new VmPoolStore(Fixtures.mongo(mongoServer));
    local =
        new LocalProvider(
            base,
            (agent, tokenFile, workDir) -> List.of("sh", "-c", "sleep 300"),
            8,
            Duration.ofSeconds(5));
    orphans =
        new VmOrphans(
            pools,
            List.of(local),
            "mine",
            GRACE,
            (lease, reason) -> told.add(lease + ": " + reason));
  }

  @AfterEach
  void destroyEverything() {
    for (String installation : List.of("mine", "theirs")) {
      local.list(installation).forEach(instance -> local.destroy(instance.id()));
    }
  }

  private Instance create(String installation, String id) {
    return local
        .create(
            List.of(
                new CreateRequest(
                    id,
                    new InstanceTags(installation, "pool-1", "lease"),
                    Map.of(),
                    new AgentBootstrap("m-" + id, "cta_t", null, null, Map.of(), List.of()))))
        .get(0);
  }

  private void record(String id, VmMachineState state, String instanceId, Instant at) {
    pools
        .insertMachine(
            new VmMachineDocument(
                id, "lease", "pool-1", "m-" + id, instanceId, state, null, null, at, at))
        .block();
  }

  @Test
  void
      givenInstancesWithAndWithoutALiveOwner_whenAPassRuns_thenOnlyTheOrphansOfThisInstallationDie() {
    Instant later = Instant.now().plus(GRACE).plusSeconds(1);
    Instance owned = create("mine", "owned-1");
    record("owned-1", VmMachineState.leased, owned.id(), Instant.now());
    Instance behindOurBack = create("mine", "stray-1");
    Instance ownerEnded = create("mine", "ended-1");
    record("ended-1", VmMachineState.destroyed, ownerEnded.id(), Instant.now());
    Instance theirs = create("theirs", "theirs-1");

    VmOrphans.Pass pass = orphans.pass(later);

    assertEquals(List.of("ended-1", "stray-1"), pass.destroyed().stream().sorted().toList());
    assertEquals(List.of("owned-1"), local.list("mine").stream().map(Instance::id).toList());
    assertEquals(List.of(theirs.id()), local.list("theirs").stream().map(Instance::id).toList());
    assertFalse(Files.exists(base.resolve(behindOurBack.id())));
  }

  @Test
  void givenAYoungInstanceWithoutARecord_whenAPassRuns_thenItIsLeftToItsLease() {
    create("mine", "young-1");

    assertTrue(orphans.pass(Instant.now()).destroyed().isEmpty());
    assertEquals(1, local.list("mine").size());
  }

  @Test
  void givenARunningMachineWhoseInstanceIsGone_whenAPassRuns_thenItEndsFailedWithTheReason() {
    Instant old = Instant.now().minus(GRACE).minusSeconds(1);
    record("gone-1", VmMachineState.leased, "gone-1", old);
    Instance alive = create("mine", "alive-1");
    record("alive-1", VmMachineState.ready, alive.id(), old);

    VmOrphans.Pass pass = orphans.pass(Instant.now());

    assertEquals(List.of("gone-1"), pass.ended());
    VmMachineDocument gone = pools.findMachine("gone-1").block();
    assertEquals(VmMachineState.failed, gone.state());
    assertEquals("its instance gone-1 is gone", gone.reason());
    assertEquals(VmMachineState.ready, pools.findMachine("alive-1").block().state());
    assertEquals(List.of("lease: its instance gone-1 is gone"), told, "its lease is told");
    assertTrue(orphans.pass(Instant.now()).ended().isEmpty(), "told once");
  }
}
