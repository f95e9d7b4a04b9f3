package io.cta.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The VM manager's {@code local} provider with real processes (docs/vm-manager.md): the embedded
 * stack, a pool, and a lease started on Temporal as an execution will start it. The machine's real
 * agent registers with the consumer, which tells the lease; on release its whole process group and
 * its directory are gone, and its token with them.
 */
class VmLocalIT {

  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  private static LocalStack stack;
  private static CtaClient admin;
  private static WorkflowServiceStubs service;
  private static WorkflowClient temporal;

  @BeforeAll
  static void startStack() throws Exception {
    Path work = Files.createTempDirectory("cta-vm-it");
    String adminToken = "cta_vm_it_" + java.util.UUID.randomUUID();
    List<Integer> ports = FreePorts.take(4);
    stack =
        new LocalStack(
            new LocalStack.Settings(
                Path.of("").toAbsolutePath().getParent(),
                work.resolve("logs"),
                work.resolve("secrets"),
                ports.get(0),
                ports.get(1),
                ports.get(2),
                ports.get(3),
                "memory",
                adminToken));
    stack.start();
    admin = new CtaClient(stack.settings().apiUrl(), adminToken);
    service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget("127.0.0.1:" + stack.settings().temporalPort())
                .build());
    temporal = WorkflowClient.newInstance(service);
  }

  @AfterAll
  static void stopStack() {
    if (service != null) {
      service.shutdownNow();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void givenALocalPool_whenALeaseRunsAndIsReleased_thenItsAgentRegisteredAndNothingIsLeftBehind()
      throws Exception {
    Map<String, Object> pool = new LinkedHashMap<>();
    pool.put("name", "it-local");
    pool.put("provider", "local");
    pool.put("maxMachines", 1);
    pool.put("properties", Map.of("os", "linux"));
    pool.put("groups", List.of("vms"));
    String poolId = admin.post("/api/v1/vm-pools", pool).expect(201).body().get("id").asText();
    WorkflowStub lease =
        temporal.newUntypedWorkflowStub(
            "LeaseWorkflow",
            WorkflowOptions.newBuilder()
                .setWorkflowId("vm-lease-itl1")
                .setTaskQueue("cta-server")
                .build());
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("leaseId", "itl1");
    input.put("poolId", poolId);
    input.put("poolName", "it-local");
    input.put("vmTimeoutMs", 600_000);
    input.put("launchTimeoutMs", 120_000);
    input.put("placeTimeoutMs", 60_000);
    input.put("executionId", "it-execution");
    lease.start(input);

    awaitLeased(lease);
    String name = "it-local-itl1-1";
    JsonNode machine =
        admin.get("/api/v1/vm-pools/it-local").expect(200).body().get("machines").get(0);
    assertEquals(name, machine.get("name").asText(), machine.toString());
    assertEquals("leased", machine.get("state").asText(), machine.toString());
    assertEquals("it-execution", machine.get("executionId").asText());
    JsonNode registered = admin.get("/api/v1/machines/" + name).expect(200).body();
    assertEquals("online", registered.get("status").asText(), registered.toString());
    assertEquals("linux", registered.get("properties").get("os").asText(), registered.toString());
    Path dir = stack.vmDir().resolve("itl1-1");
    long pid = Long.parseLong(metadata(dir).getProperty("pid"));
    assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "its agent runs");
    List<ProcessHandle> tree =
        new ArrayList<>(ProcessHandle.of(pid).orElseThrow().descendants().toList());
    tree.add(ProcessHandle.of(pid).orElseThrow());

    lease.signal("release", false);
    @SuppressWarnings("unchecked")
    Map<String, Object> outcome = lease.getResult(90, TimeUnit.SECONDS, Map.class);

    assertEquals("released", outcome.get("end"), outcome.toString());
    assertFalse(Files.exists(dir), "its directory is removed");
    assertTrue(tree.stream().noneMatch(ProcessHandle::isAlive), "its process tree is gone");
    assertFalse(groupAlive(pid), "its process group is empty");
    JsonNode ended =
        admin.get("/api/v1/vm-pools/it-local").expect(200).body().get("machines").get(0);
    assertEquals("destroyed", ended.get("state").asText(), ended.toString());
    for (JsonNode token : admin.get("/api/v1/tokens").expect(200).body().get("items")) {
      assertFalse(name.equals(token.path("machine").asText()), "its token is revoked: " + token);
    }
    admin.send("DELETE", "/api/v1/vm-pools/it-local", null).expect(204);
  }

  @Test
  void givenALeasedLocalMachine_whenItsVmTimeoutPasses_thenItIsDestroyedWithTheReason()
      throws Exception {
    String poolId = createPool("it-timeout");
    WorkflowStub lease = startLease("itl2", poolId, "it-timeout", 40_000, 30_000);
    awaitLeased(lease);
    Path dir = stack.vmDir().resolve("itl2-1");
    long pid = Long.parseLong(metadata(dir).getProperty("pid"));

    @SuppressWarnings("unchecked")
    Map<String, Object> outcome = lease.getResult(90, TimeUnit.SECONDS, Map.class);

    assertEquals("vmTimeout", outcome.get("end"), outcome.toString());
    assertEquals("VM timeout of 40 s exceeded on it-timeout-itl2-1", outcome.get("reason"));
    assertFalse(Files.exists(dir), "its directory is removed");
    assertFalse(groupAlive(pid), "its process group is empty");
    JsonNode machine =
        admin.get("/api/v1/vm-pools/it-timeout").expect(200).body().get("machines").get(0);
    assertEquals("failed", machine.get("state").asText(), machine.toString());
    assertEquals(outcome.get("reason"), machine.get("reason").asText());
  }

  @Test
  void givenAnInstanceMadeBehindCtasBack_whenTheOrphanPassRuns_thenItsProcessesAndDirectoryGo()
      throws Exception {
    // What the local provider would have made for a lease CTA never recorded.
    Path dir = Files.createDirectories(stack.vmDir().resolve("ghost-1"));
    Process ghost =
        new ProcessBuilder("setsid", "sh", "-c", "sleep 300 & sleep 300; wait")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectErrorStream(true)
            .start();
    Properties tags = new Properties();
    tags.setProperty("requestId", "ghost-1");
    tags.setProperty("installation", "cta");
    tags.setProperty("pool", "none");
    tags.setProperty("lease", "ghost");
    tags.setProperty("createdAt", Instant.now().minus(Duration.ofHours(1)).toString());
    tags.setProperty("pid", Long.toString(ghost.pid()));
    ghost.info().startInstant().ifPresent(at -> tags.setProperty("startedAt", at.toString()));
    Path temp = dir.resolve("instance.properties.tmp");
    try (var out = Files.newOutputStream(temp)) {
      tags.store(out, null);
    }
    // Whole or not at all: the orphan pass may read it any time.
    Files.move(temp, dir.resolve("instance.properties"), StandardCopyOption.ATOMIC_MOVE);

    await("the orphan pass destroys it", () -> !Files.exists(dir));

    assertTrue(ghost.waitFor(30, TimeUnit.SECONDS), "its process ended");
    assertFalse(groupAlive(ghost.pid()), "its process group is empty");
  }

  @Test
  void givenALeasedLocalMachine_whenTheConsumerIsKilledAndBack_thenItsReleaseLeavesNothingBehind()
      throws Exception {
    String poolId = createPool("it-kill");
    WorkflowStub lease = startLease("itl3", poolId, "it-kill", 600_000, 120_000);
    awaitLeased(lease);
    Path dir = stack.vmDir().resolve("itl3-1");
    long pid = Long.parseLong(metadata(dir).getProperty("pid"));

    stack.kill("consumer");
    assertTrue(
        ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
        "the machine outlives its consumer: its lease still owns it");
    stack.startConsumer();
    lease.signal("release", false);
    @SuppressWarnings("unchecked")
    Map<String, Object> outcome = lease.getResult(120, TimeUnit.SECONDS, Map.class);

    assertEquals("released", outcome.get("end"), outcome.toString());
    assertFalse(Files.exists(dir), "its directory is removed");
    assertFalse(groupAlive(pid), "its process group is empty");
  }

  private static String createPool(String name) {
    Map<String, Object> pool = new LinkedHashMap<>();
    pool.put("name", name);
    pool.put("provider", "local");
    pool.put("maxMachines", 1);
    return admin.post("/api/v1/vm-pools", pool).expect(201).body().get("id").asText();
  }

  private static WorkflowStub startLease(
      String leaseId, String poolId, String poolName, long vmTimeout, long launchTimeout) {
    WorkflowStub lease =
        temporal.newUntypedWorkflowStub(
            "LeaseWorkflow",
            WorkflowOptions.newBuilder()
                .setWorkflowId("vm-lease-" + leaseId)
                .setTaskQueue("cta-server")
                .build());
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("leaseId", leaseId);
    input.put("poolId", poolId);
    input.put("poolName", poolName);
    input.put("vmTimeoutMs", vmTimeout);
    input.put("launchTimeoutMs", launchTimeout);
    input.put("placeTimeoutMs", 60_000);
    input.put("executionId", "it-execution");
    lease.start(input);
    return lease;
  }

  /** Waits until the lease's machine runs its agent; a failure shows the lease and the logs. */
  private static void awaitLeased(WorkflowStub lease) throws Exception {
    try {
      await("the lease's machine is leased", () -> "leased".equals(phase(lease)));
    } catch (AssertionError e) {
      throw new AssertionError(
          e.getMessage()
              + "; lease: "
              + lease.query("getState", Map.class)
              + "\nconsumer log:\n"
              + tail(stack.logFile("consumer")),
          e);
    }
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }

  private static String phase(WorkflowStub lease) {
    @SuppressWarnings("unchecked")
    Map<String, Object> state = lease.query("getState", Map.class);
    return String.valueOf(state.get("phase"));
  }

  private static Properties metadata(Path dir) throws IOException {
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(dir.resolve("instance.properties"))) {
      properties.load(in);
    }
    return properties;
  }

  private static boolean groupAlive(long group) throws Exception {
    return new ProcessBuilder("kill", "-0", "--", "-" + group)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start()
            .waitFor()
        == 0;
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(TIMEOUT);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(200);
    }
  }
}
