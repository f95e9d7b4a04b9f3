package io.cta.vm.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cta.vm.AgentBootstrap;
import io.cta.vm.Instance;
import io.cta.vm.InstanceState;
import io.cta.vm.VmProvider;
import io.cta.vm.VmProviderContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract on the {@code local} provider, whose "agent" here is a shell that starts a child and
 * waits, so that a process tree is there to be killed; plus what only local machines promise.
 */
class LocalProviderTest extends VmProviderContract {

  /** A tree of two processes that ignore nothing and would run for five minutes. */
  private static final AgentCommand TREE =
      (agent, tokenFile, workDir) -> List.of("sh", "-c", "sleep 300 & sleep 300; wait");

  @TempDir Path base;
  private LocalProvider provider;

  @BeforeEach
  void newProvider() {
    provider = new LocalProvider(base, TREE, 3, Duration.ofSeconds(5));
  }

  @Override
  protected VmProvider provider() {
    return provider;
  }

  @Override
  protected BooleanSupplier leavesNothingBehind(Instance live) {
    long group = pid(live);
    Path dir = base.resolve(live.id());
    return () -> !Files.exists(dir) && !LocalProvider.groupAlive(group);
  }

  /** The session leader's pid, from the instance's metadata. */
  private long pid(Instance instance) {
    Properties properties = new Properties();
    try (var in =
        Files.newInputStream(base.resolve(instance.id()).resolve("instance.properties"))) {
      properties.load(in);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return Long.parseLong(properties.getProperty("pid"));
  }

  @Test
  void givenALocalMachine_whenDestroyed_thenItsWholeProcessTreeAndDirectoryAreGone()
      throws IOException {
    Instance created = provider.create(List.of(request(INSTALLATION, newRequestId()))).get(0);
    long leader = pid(created);
    await(
        () -> ProcessHandle.of(leader).map(h -> h.descendants().count() >= 2).orElse(false),
        "the shell started its children");
    List<ProcessHandle> tree =
        Stream.concat(
                ProcessHandle.of(leader).stream(),
                ProcessHandle.of(leader).orElseThrow().descendants())
            .toList();

    provider.destroy(created.id());

    assertTrue(tree.stream().noneMatch(ProcessHandle::isAlive), "every process of the tree died");
    assertFalse(LocalProvider.groupAlive(leader));
    assertFalse(Files.exists(base.resolve(created.id())));
  }

  @Test
  void givenALocalMachine_whenCreated_thenItsWorkDirIsEmptyAndItsTokenOwnerOnlyAndUnlisted()
      throws IOException {
    Instance created = provider.create(List.of(request(INSTALLATION, newRequestId()))).get(0);
    Path dir = base.resolve(created.id());

    try (Stream<Path> work = Files.list(dir.resolve("work"))) {
      assertEquals(0, work.count());
    }
    Path token = dir.resolve("agent.token");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(token)));
    assertEquals("cta_secret-" + created.requestId(), Files.readString(token));
    assertFalse(
        Files.readString(dir.resolve("instance.properties")).contains("cta_secret"),
        "the token is not in the metadata");
  }

  @Test
  void givenALocalMachineWhoseProcessEnded_whenListed_thenItIsStoppedUntilDestroyed() {
    LocalProvider quick =
        new LocalProvider(
            base, (agent, tokenFile, workDir) -> List.of("true"), 3, Duration.ofSeconds(1));
    Instance created = quick.create(List.of(request(INSTALLATION, newRequestId()))).get(0);

    await(
        () ->
            quick
                .find(INSTALLATION, created.id())
                .map(i -> i.state() == InstanceState.stopped)
                .orElse(false),
        "the ended machine shows stopped");
    quick.destroy(created.id());
    assertTrue(quick.list(INSTALLATION).isEmpty());
  }

  @Test
  void givenTheCap_whenOneMoreIsAsked_thenItIsRefusedAndNothingIsLeft() {
    for (int i = 0; i < 3; i++) {
      provider.create(List.of(request(INSTALLATION, newRequestId())));
    }
    assertEquals(0, provider.capacity().available());

    String refused = newRequestId();
    try {
      provider.create(List.of(request(INSTALLATION, refused)));
      throw new AssertionError("a fourth machine was created");
    } catch (io.cta.vm.ProviderException expected) {
      assertFalse(expected.permanent());
    }
    assertFalse(Files.exists(base.resolve(refused)));
  }

  @Test
  void givenAnUnsafeRequestId_whenCreated_thenItIsRefusedForGood() {
    try {
      provider.create(List.of(request(INSTALLATION, "../escape")));
      throw new AssertionError("an unsafe id was accepted");
    } catch (io.cta.vm.ProviderException expected) {
      assertTrue(expected.permanent());
    }
  }

  @Test
  void givenTheCtaAgentCommand_whenBuilt_thenItCarriesTheLeaseNameTokenFileAndLabels() {
    AgentBootstrap agent =
        new AgentBootstrap(
            "vm-a1",
            "cta_x",
            "http://127.0.0.1:8081",
            "127.0.0.1:7233",
            Map.of("os", "linux"),
            List.of("vms"));
    List<String> command =
        AgentCommand.ctaAgent(Path.of("java"), Path.of("cta-agent.jar"), null)
            .command(agent, Path.of("/m/agent.token"), Path.of("/m/work"));

    assertEquals(
        List.of(
            "java",
            "-jar",
            "cta-agent.jar",
            "--name",
            "vm-a1",
            "--server",
            "http://127.0.0.1:8081",
            "--temporal",
            "127.0.0.1:7233",
            "--token-file",
            "/m/agent.token",
            "--work-dir",
            "/m/work",
            "--property",
            "os=linux",
            "--group",
            "vms"),
        command);
    assertFalse(agent.toString().contains("cta_x"), "the token never shows in logs");
  }

  @Test
  void givenADirectoryLeftHalfMadeByACrash_whenListed_thenItIsNoInstanceAndTakesNoPlace()
      throws IOException {
    Path staging = Files.createDirectories(base.resolve(".creating-r1-42").resolve("work"));
    Files.writeString(
        staging.resolveSibling("instance.properties"), "installation=" + INSTALLATION);

    assertTrue(provider.list(INSTALLATION).isEmpty());
    assertEquals(0, provider.capacity().used());
  }
}
