package io.cta.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Drives real processes exactly as a user would: the infrastructure process (memory MongoDB), the
 * consumer, the api and an agent JVM started from its jar, all over HTTP.
 */
class EndToEndIT {

  private static final String AGENT = "e2e-agent";

  /** An agent of its own, so that other tests' work cannot eat into a short running timeout. */
  private static final String TIMEOUT_AGENT = "e2e-timeouts";

  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  private static LocalStack stack;
  private static CtaClient admin;
  private static String adminToken;

  @BeforeAll
  static void startStack() throws Exception {
    Path work = Files.createTempDirectory("cta-e2e");
    adminToken = "cta_e2e_" + java.util.UUID.randomUUID();
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
    stack.startAgent(
        AGENT, List.of("--property", "os=linux", "--property", "cores=8", "--group", "e2e"));
    stack.startAgent(TIMEOUT_AGENT, List.of());
    // Probes every second, so that the SSH tests need not wait for the default interval.
    stack.startSshRunner(Map.of("CTA_SSH_PROBE_INTERVAL", "1"));
    admin = new CtaClient(stack.settings().apiUrl(), adminToken);
    for (String agent : List.of(AGENT, TIMEOUT_AGENT)) {
      await(
          "machine " + agent + " to be online",
          () -> admin.get("/api/v1/machines/" + agent),
          machine -> machine.body().get("status").asText().equals("online"));
    }
  }

  @AfterAll
  static void stopStack() throws InterruptedException {
    if (stack != null) {
      stack.close();
    }
    if (sshd != null) {
      sshd.close();
    }
  }

  // SSH machines (docs/agentless.md): Debian's OpenSSH server on a loopback port, and the runner.

  private static final String SSH_MACHINE = "e2e-ssh";
  private static final String MIXED_GROUP = "e2e-mixed";
  private static OpenSshServer sshd;

  /** The OpenSSH server and an SSH machine on it, online; once. Skipped without sshd. */
  private static synchronized void sshMachineOnline() throws Exception {
    if (sshd != null) {
      return;
    }
    assumeTrue(OpenSshServer.missing() == null, OpenSshServer.missing());
    sshd = OpenSshServer.start();
    admin
        .post("/api/v1/secrets", Map.of("name", "e2e-ssh-key", "value", sshd.clientKey()))
        .expect(201);
    declareSsh(SSH_MACHINE, "e2e-ssh-key", sshd.hostKey());
    await(
        "SSH machine " + SSH_MACHINE + " to be online",
        () -> admin.get("/api/v1/machines/" + SSH_MACHINE),
        machine -> machine.body().get("status").asText().equals("online"));
  }

  private static void declareSsh(String name, String credential, String hostKey) {
    Map<String, Object> ssh = new java.util.HashMap<>();
    ssh.put("host", "127.0.0.1");
    ssh.put("port", sshd.port());
    ssh.put("user", OpenSshServer.user());
    ssh.put("credential", credential);
    ssh.put("hostKey", hostKey);
    admin
        .post(
            "/api/v1/machines",
            Map.of("name", name, "kind", "ssh", "ssh", ssh, "groups", List.of(MIXED_GROUP)))
        .expect(201);
  }

  @Test
  void givenAnSshMachine_whenAMonoRunTargetsIt_thenItsTestsRunOverSshWithResultsLogsAndReports()
      throws Exception {
    sshMachineOnline();
    Map<String, Object> junit =
        Map.of(
            "id",
            "junit-over-sftp",
            "reports",
            List.of("reports/*.xml"),
            "stages",
            List.of(
                Map.of(
                    "name",
                    "report",
                    "run",
                    "mkdir -p reports && printf '%s' \"<testsuite name='s'><testcase classname='c'"
                        + " name='fine'/><testcase classname='c' name='bad'><failure"
                        + " message='boom-over-sftp'/></testcase></testsuite>\" >"
                        + " reports/TEST-s.xml",
                    "timeout",
                    60_000)));
    String scenarioId =
        scenario(
            List.of(
                test(
                    "env-and-cwd",
                    "[ \"$GREETING\" = hello ] && [ \"$(basename \"$PWD\")\" = sub ]"
                        + " && echo \"greeting=$GREETING over ssh\"",
                    "sub",
                    Map.of("GREETING", "hello")),
                test("exits-non-zero", "echo broken >&2; exit 3", null, Map.of()),
                junit),
            SSH_MACHINE,
            60_000,
            120_000,
            null);

    String id = run(scenarioId);
    JsonNode execution = Demo.awaitEnd(admin, id, TIMEOUT);

    assertEquals("finished", execution.get("state").asText(), execution.toString());
    assertEquals(SSH_MACHINE, execution.get("machines").get(0).get("name").asText());
    JsonNode results = admin.get("/api/v1/executions/" + id + "/results").expect(200).body();
    JsonNode ok = find(results, "env-and-cwd");
    assertEquals("ok", ok.get("status").asText(), ok.toString());
    assertEquals(SSH_MACHINE, ok.get("machine").asText());
    JsonNode failed = find(results, "exits-non-zero");
    assertTrue(failed.get("message").asText().contains("exited with 3"), failed.toString());
    assertTrue(failed.get("message").asText().contains("broken"), failed.toString());
    assertEquals(4, results.get("total").asInt(), "two cases of the fetched report: " + results);
    assertTrue(results.toString().contains("boom-over-sftp"), results.toString());
    JsonNode logs = admin.get("/api/v1/executions/" + id + "/logs").expect(200).body();
    assertTrue(logs.toString().contains("greeting=hello over ssh"), logs.toString());
  }

  @Test
  void givenAGroupOfAnAgentAndAnSshMachine_whenRunInParallel_thenBothRunItsTests()
      throws Exception {
    sshMachineOnline();
    admin
        .send("PATCH", "/api/v1/machines/" + AGENT, Map.of("groups", List.of(MIXED_GROUP)))
        .expect(200);
    List<Map<String, Object>> tests = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      tests.add(test("mixed-" + i, "sleep 1; echo mixed-" + i, null, Map.of()));
    }
    String scenarioId =
        scenario(
            tests,
            Map.of("runMode", "parallel", "target", Map.of("group", MIXED_GROUP)),
            Map.of("pendingTimeout", 60_000, "runningTimeout", 120_000));

    JsonNode execution = Demo.awaitEnd(admin, run(scenarioId), TIMEOUT);

    assertEquals("finished", execution.get("state").asText(), execution.toString());
    assertEquals("ok", execution.get("result").asText(), execution.toString());
    Set<String> ran = new HashSet<>();
    execution.get("machines").forEach(m -> ran.add(m.get("name").asText()));
    assertEquals(Set.of(AGENT, SSH_MACHINE), ran, execution.toString());
  }

  @Test
  void givenATestRunningOnAnSshMachine_whenCanceled_thenItsStopRunsAndTheRemoteGroupIsGone()
      throws Exception {
    sshMachineOnline();
    Path marks = Files.createTempDirectory("cta-e2e-ssh-cancel");
    Map<String, Object> stage =
        Map.of(
            "name",
            "run",
            "run",
            "sleep 3001 & sleep 3001 & echo started-over-ssh; wait",
            "stop",
            "touch " + marks.resolve("stopped"),
            "timeout",
            600_000);
    String scenarioId =
        scenario(
            List.of(Map.of("id", "cancel-over-ssh", "stages", List.of(stage))),
            SSH_MACHINE,
            60_000,
            600_000,
            null);
    String id = run(scenarioId);
    await(
        "the remote stage to start",
        () -> admin.get("/api/v1/executions/" + id + "/logs"),
        r -> r.body().toString().contains("started-over-ssh"));
    assertTrue(running("sleep 3001"), "the remote processes run");

    admin.post("/api/v1/executions/" + id + "/cancel", Map.of("reason", "over ssh")).expect(202);
    JsonNode execution = Demo.awaitEnd(admin, id, TIMEOUT);

    assertEquals("canceled", execution.get("state").asText(), execution.toString());
    assertTrue(Files.exists(marks.resolve("stopped")), "the stop command ran on the host");
    assertFalse(running("sleep 3001"), "no process of the stage's group is left");
  }

  @Test
  void givenAStoredSecretInAStageOnAnSshMachine_whenRun_thenTheRunnerResolvesItAndMasksItsOutput()
      throws Exception {
    sshMachineOnline();
    String canary = "ssh-canary-" + System.nanoTime();
    admin.post("/api/v1/secrets", Map.of("name", "e2e-ssh-canary", "value", canary)).expect(201);
    String scenarioId =
        scenario(
            List.of(
                test(
                    "secret-over-ssh",
                    "[ \"$API_PASSWORD\" = " + canary + " ] && echo \"pw=$API_PASSWORD\"",
                    null,
                    Map.of("API_PASSWORD", "${secret:e2e-ssh-canary}"))),
            SSH_MACHINE,
            60_000,
            120_000,
            null);

    String id = run(scenarioId);
    JsonNode execution = Demo.awaitEnd(admin, id, TIMEOUT);

    assertEquals("ok", execution.get("result").asText(), "the stage saw the secret's value");
    String logs = admin.get("/api/v1/executions/" + id + "/logs").expect(200).body().toString();
    assertTrue(logs.contains("pw=***"), logs);
    assertFalse(logs.contains(canary), "the value never reaches the logs");
    String runnerLog =
        Files.readString(stack.settings().logDir().resolve(LocalStack.SSH_RUNNER + ".log"));
    assertFalse(runnerLog.contains(canary), "nor the runner's log");
    assertFalse(runnerLog.contains(sshd.clientKey().strip()), "nor its SSH credential");
  }

  @Test
  void givenATestOnAnSshMachineOutlivingTheRunningTimeout_whenItExpires_thenTheRemoteGroupIsGone()
      throws Exception {
    sshMachineOnline();
    String scenarioId =
        scenario(
            List.of(
                test("quick-over-ssh", "true", null, Map.of()),
                test(
                    "too-slow-over-ssh",
                    "sleep 3002 & sleep 3002 & echo slow-over-ssh; wait",
                    null,
                    Map.of())),
            SSH_MACHINE,
            60_000,
            4_000,
            null);

    String id = run(scenarioId);
    await(
        "the slow remote stage to start",
        () -> admin.get("/api/v1/executions/" + id + "/logs"),
        r -> r.body().toString().contains("slow-over-ssh"));
    JsonNode execution = Demo.awaitEnd(admin, id, TIMEOUT);

    assertEquals("timeout", execution.get("state").asText(), execution.toString());
    assertEquals(1, execution.get("counters").get("ok").asInt(), execution.toString());
    await(
        "the remote stage's group to be gone",
        () -> admin.get("/api/v1/executions/" + id),
        r -> {
          try {
            return !running("sleep 3002");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @Test
  void givenAWrongKeyOrAChangedHostKey_whenProbed_thenTheSshMachineIsOfflineSayingWhy()
      throws Exception {
    sshMachineOnline();
    admin
        .post("/api/v1/secrets", Map.of("name", "e2e-ssh-stranger", "value", sshd.strangerKey()))
        .expect(201);
    declareSsh("e2e-ssh-wrong-key", "e2e-ssh-stranger", sshd.hostKey());
    declareSsh("e2e-ssh-changed", "e2e-ssh-key", sshd.otherHostKey());

    for (Map.Entry<String, String> expected :
        Map.of(
                "e2e-ssh-wrong-key", "SSH: authentication failed",
                "e2e-ssh-changed", "SSH: host key changed")
            .entrySet()) {
      await(
          expected.getKey() + " to say why it is offline",
          () -> admin.get("/api/v1/machines/" + expected.getKey()),
          r ->
              r.body().get("status").asText().equals("offline")
                  && r.body().path("offlineReason").asText().startsWith(expected.getValue()));
    }
    // Declared ones that cannot be reached take no part in later tests' groups.
    assertEquals(204, admin.send("DELETE", "/api/v1/machines/e2e-ssh-wrong-key", null).status());
    assertEquals(204, admin.send("DELETE", "/api/v1/machines/e2e-ssh-changed", null).status());
  }

  /** Whether a process whose command line holds {@code text} runs on this (the SSH) host. */
  private static boolean running(String text) throws Exception {
    Process pgrep = new ProcessBuilder("pgrep", "-f", text).start();
    pgrep.waitFor();
    return pgrep.exitValue() == 0;
  }

  @Test
  void givenAScenarioOnTheAgentsMachine_whenRunOverRest_thenItFinishesWithBothResultsCounted()
      throws Exception {
    String scenarioId =
        scenario(
            List.of(
                test(
                    "env-and-cwd",
                    "[ \"$GREETING\" = hello ] && [ -n \"$HOME\" ] && [ \"$(basename \"$PWD\")\" = sub ]"
                        + " && echo \"greeting=$GREETING\"",
                    "sub",
                    Map.of("GREETING", "hello")),
                test("exits-non-zero", "echo broken >&2; exit 3", null, Map.of())));

    CtaClient.Response run = admin.post("/api/v1/scenarios/" + scenarioId + "/run", null);

    assertEquals(201, run.status());
    String id = run.body().get("id").asText();
    assertEquals("/api/v1/executions/" + id, run.location());
    assertEquals("pending", run.body().get("state").asText());
    JsonNode execution = Demo.awaitEnd(admin, id, TIMEOUT);
    assertEquals("finished", execution.get("state").asText(), execution.toString());
    assertEquals("failed", execution.get("result").asText());
    assertEquals(1, execution.get("counters").get("ok").asInt());
    assertEquals(1, execution.get("counters").get("failed").asInt());
    assertEquals(0, execution.get("counters").get("partial").asInt());
    assertEquals(0, execution.get("counters").get("inconclusive").asInt());
    assertEquals("execution-" + id, execution.get("workflowId").asText());
    assertEquals(AGENT, execution.get("machines").get(0).get("name").asText());
    assertEquals("finished", execution.get("machines").get(0).get("state").asText());
    Instant requested = Instant.parse(execution.get("requestedAt").asText());
    Instant started = Instant.parse(execution.get("startedAt").asText());
    Instant finished = Instant.parse(execution.get("finishedAt").asText());
    assertFalse(started.isBefore(requested));
    assertFalse(finished.isBefore(started));

    JsonNode results = admin.get("/api/v1/executions/" + id + "/results").expect(200).body();
    assertEquals(2, results.get("total").asInt());
    JsonNode ok = find(results, "env-and-cwd");
    assertEquals("ok", ok.get("status").asText(), ok.toString());
    assertEquals(AGENT, ok.get("machine").asText());
    assertTrue(ok.get("durationMs").asLong() >= 0);
    JsonNode failed = find(results, "exits-non-zero");
    assertEquals("failed", failed.get("status").asText());
    assertTrue(failed.get("message").asText().contains("exited with 3"), failed.toString());
    assertTrue(failed.get("message").asText().contains("broken"), failed.toString());

    JsonNode states = admin.get("/api/v1/executions/" + id + "/states").expect(200).body();
    assertEquals("running", states.get("items").get(0).get("state").asText());
    JsonNode logs = admin.get("/api/v1/executions/" + id + "/logs").expect(200).body();
    assertTrue(logs.toString().contains("greeting=hello"), logs.toString());

    JsonNode machines = admin.get("/api/v1/machines?group=e2e").expect(200).body();
    assertEquals(1, machines.get("total").asInt(), machines.toString());
    JsonNode machine = machines.get("items").get(0);
    assertEquals(AGENT, machine.get("name").asText());
    assertEquals("linux", machine.get("properties").get("os").asText());
    assertEquals("e2e", machine.get("groups").get(0).asText());
  }

  @Test
  void givenAWebSocketClient_whenAScenarioRuns_thenItSeesStatesResultsAndLogsLiveAndCanResume() {
    try (LiveClient live = LiveClient.connect(admin)) {
      live.subscribe("executions", null);
      long since =
          live.await(m -> m.path("type").asText().equals("subscribed"), TIMEOUT)
              .message()
              .get("seq")
              .asLong();
      String scenarioId =
          scenario(List.of(test("live", "echo live-line; sleep 0.5; exit 0", null, Map.of())));

      String id =
          admin.post("/api/v1/scenarios/" + scenarioId + "/run", null).body().get("id").asText();

      // Written by the api (pending) and by the consumer, a separate process (running, finished).
      for (String state : List.of("pending", "running", "finished")) {
        live.await(
            m ->
                m.path("topic").asText().equals("executions")
                    && m.path("data").path("id").asText().equals(id)
                    && m.path("data").path("state").asText().equals(state),
            TIMEOUT);
      }
      // A late subscriber resuming from an earlier sequence number gets the whole story.
      live.subscribe("execution:" + id, since);
      Set<String> seen = new HashSet<>();
      String topic = "execution:" + id;
      while (!seen.containsAll(Set.of("execution:finished", "results", "logs"))) {
        JsonNode m = live.await(x -> x.path("topic").asText().equals(topic), TIMEOUT).message();
        String type = m.get("type").asText();
        if (type.equals("execution")) {
          seen.add("execution:" + m.get("data").get("state").asText());
        } else if (type.equals("results")) {
          assertEquals("ok", m.get("data").get("results").get(0).get("status").asText());
          seen.add("results");
        } else if (type.equals("logs")) {
          if (m.get("data").toString().contains("live-line")) {
            seen.add("logs");
          }
        }
      }
      assertTrue(seen.contains("execution:pending"), "replayed from the start: " + seen);
    }
  }

  @Test
  void givenASecretInAStagesEnvironment_whenRun_thenNoLogHoldsItOrTheAgentsToken()
      throws Exception {
    String secret = "s3cret-" + System.nanoTime();
    String scenarioId =
        scenario(
            List.of(
                test(
                    "secret-env",
                    "[ \"$API_PASSWORD\" = " + secret + " ]",
                    null,
                    Map.of("API_PASSWORD", secret))));

    JsonNode execution = Demo.awaitEnd(admin, run(scenarioId), TIMEOUT);

    assertEquals("ok", execution.get("result").asText(), "the stage saw its secret");
    String token =
        Files.readString(stack.settings().secretsDir().resolve("agent-" + AGENT + ".token")).trim();
    for (String process : List.of("agent-" + AGENT, "consumer", "api")) {
      String log = Files.readString(stack.settings().logDir().resolve(process + ".log"));
      assertTrue(log.contains(" INFO "), process + "'s log is the right file: " + log);
      assertFalse(log.contains(secret), process + " logged the stage's secret");
      assertFalse(log.contains(token), process + " logged the agent's token");
    }
  }

  @Test
  void givenACanarySecretPrintedEveryWay_whenRun_thenNoAnswerFeedLogDocumentOrHistoryHoldsIt()
      throws Exception {
    String canary = "c4n4ry-" + java.util.UUID.randomUUID();
    String name = "E2E_CANARY_" + System.nanoTime();
    admin.post("/api/v1/secrets", Map.of("name", name, "value", canary)).expect(201);
    String script =
        """
        set -e
        case "$CANARY" in c4n4ry-*) ;; *) echo "not resolved"; exit 9;; esac
        [ ${#CANARY} -eq %d ]
        echo "$CANARY"
        echo "a longer line with $CANARY inside"
        printf 'split %%s' "$(printf '%%s' "$CANARY" | cut -c1-12)"
        sleep 1
        printf '%%s end\\n' "$(printf '%%s' "$CANARY" | cut -c13-)"
        echo "to stderr $CANARY" >&2
        echo "url $URL"
        mkdir -p out
        cat > out/TEST-canary.xml <<EOF
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuite name="canary" tests="1"><testcase name="leaks" classname="canary">\
        <skipped message="skipped with $CANARY">because $CANARY</skipped>\
        <system-out>out $CANARY</system-out></testcase></testsuite>
        EOF
        printf '{"case": "posted", "status": "ok", "message": "posted %%s", "description": "d %%s",\
         "custom": {"k": "v %%s", "%%s": "as a key"}}' "$CANARY" "$CANARY" "$CANARY" "$CANARY" > body.json
        curl -sS -f -H 'Content-Type: application/json' -d @body.json "$CTA_RESULTS_URL"
        curl -sS -f "$CTA_TESTSTATUS_URL?id=$CTA_TEST_ID&status=ok&message=form+$CANARY&region=$CANARY"
        """
            .formatted(canary.length());
    Map<String, Object> test =
        Map.of(
            "id",
            "canary",
            "reports",
            List.of("out/*.xml"),
            "stages",
            List.of(
                Map.of(
                    "name",
                    "run",
                    "run",
                    script,
                    "cwd",
                    "canary",
                    "timeout",
                    60_000,
                    "env",
                    Map.of(
                        "CANARY",
                        "${secret:" + name + "}",
                        "URL",
                        "https://app:${secret:" + name + "}@db.example/x"))));
    String scenarioId = scenario(List.of(test));

    List<String> feed = new ArrayList<>();
    String id;
    try (LiveClient live = LiveClient.connect(admin)) {
      live.subscribe("executions", null);
      long since =
          live.await(m -> m.path("type").asText().equals("subscribed"), TIMEOUT)
              .message()
              .get("seq")
              .asLong();
      id = run(scenarioId);
      JsonNode execution = Demo.awaitEnd(admin, id, TIMEOUT);
      // The stage exits 9 unless it got the value; its report's skipped case is inconclusive.
      assertEquals("finished", execution.get("state").asText(), execution.toString());
      assertEquals("inconclusive", execution.get("result").asText(), execution.toString());
      // The whole story of the run, replayed: states, results and log chunks.
      live.subscribe("execution:" + id, since);
      String topic = "execution:" + id;
      Set<String> seen = new HashSet<>();
      while (!seen.containsAll(Set.of("finished", "results", "logs"))) {
        JsonNode m = live.await(x -> x.path("topic").asText().equals(topic), TIMEOUT).message();
        feed.add(m.toString());
        String type = m.path("type").asText();
        seen.add(type.equals("execution") ? m.path("data").path("state").asText() : type);
      }
      for (LiveClient.Received m; (m = live.next(Duration.ofMillis(500))) != null; ) {
        feed.add(m.message().toString());
      }
    }

    String key = Files.readString(stack.secretKeyFile()).trim();
    Map<String, String> places = new java.util.LinkedHashMap<>();
    for (String path :
        List.of(
            "/api/v1/executions/" + id,
            "/api/v1/executions/" + id + "/results",
            "/api/v1/executions/" + id + "/logs",
            "/api/v1/executions/" + id + "/states",
            "/api/v1/executions/" + id + "/notifications",
            "/api/v1/audit?size=500",
            "/api/v1/secrets",
            "/api/v1/suites")) {
      places.put("GET " + path, String.valueOf(admin.get(path).expect(200).body()));
    }
    places.put("GET junit", new String(junitBytes(id), StandardCharsets.UTF_8));
    places.put("WebSocket feed", String.join("\n", feed));
    try (java.util.stream.Stream<Path> logs = Files.list(stack.settings().logDir())) {
      for (Path log : logs.toList()) {
        places.put("log " + log.getFileName(), Files.readString(log));
      }
    }
    places.putAll(mongoDocuments());
    places.putAll(histories(id));

    for (Map.Entry<String, String> place : places.entrySet()) {
      assertFalse(place.getValue().contains(canary), place.getKey() + " holds the canary");
      assertFalse(place.getValue().contains(key), place.getKey() + " holds the secret store's key");
    }
    // Each place was really searched: the run is in it, masked.
    String logs = places.get("GET /api/v1/executions/" + id + "/logs");
    for (String line :
        List.of("***", "a longer line with *** inside", "split *** end", "to stderr ***")) {
      assertTrue(logs.contains(line + "\\n"), line + " in " + logs);
    }
    assertTrue(logs.contains("url https://app:***@db.example/x"), logs);
    String results = places.get("GET /api/v1/executions/" + id + "/results");
    for (String masked :
        List.of(
            "posted ***",
            "d ***",
            "v ***",
            "\"***\":\"as a key\"",
            "form ***",
            "skipped with ***")) {
      assertTrue(results.contains(masked), masked + " in " + results);
    }
    assertTrue(
        places.get("WebSocket feed").contains("split *** end"), places.get("WebSocket feed"));
    assertTrue(
        places.keySet().stream()
            .anyMatch(p -> p.startsWith("mongo ") && places.get(p).contains(id)),
        "MongoDB holds the run");
    assertTrue(
        places.entrySet().stream()
            .anyMatch(
                p ->
                    p.getKey().startsWith("history ") && p.getValue().contains("${secret:" + name)),
        "a workflow history carries the reference, never the value: " + places.keySet());
  }

  /** The raw body of the execution's JUnit export. */
  private static byte[] junitBytes(String executionId) throws Exception {
    HttpResponse<byte[]> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(admin.base() + "/api/v1/executions/" + executionId + "/junit"))
                    .header("Authorization", "Bearer " + adminToken)
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, response.statusCode());
    return response.body();
  }

  /** Every document of every collection of the stack's MongoDB, as extended JSON, by place. */
  private static Map<String, String> mongoDocuments() {
    Map<String, String> documents = new java.util.LinkedHashMap<>();
    try (com.mongodb.client.MongoClient mongo =
        com.mongodb.client.MongoClients.create(
            "mongodb://127.0.0.1:" + stack.settings().mongoPort())) {
      for (String database : mongo.listDatabaseNames()) {
        for (String collection : mongo.getDatabase(database).listCollectionNames()) {
          StringBuilder all = new StringBuilder();
          for (org.bson.Document document :
              mongo.getDatabase(database).getCollection(collection).find()) {
            all.append(document.toJson()).append('\n');
          }
          documents.put("mongo " + database + "." + collection, all.toString());
        }
      }
    }
    assertFalse(documents.isEmpty(), "no MongoDB collection was read");
    return documents;
  }

  /**
   * The histories of every workflow of the execution, found by their derived ids (the execution
   * workflow, its lanes, its notification workflow), every run of each (continued-as-new runs
   * followed back), as the raw bytes of their events, where payloads are plain JSON.
   */
  private static Map<String, String> histories(String executionId) {
    Map<String, String> histories = new java.util.LinkedHashMap<>();
    io.temporal.serviceclient.WorkflowServiceStubs stubs =
        io.temporal.serviceclient.WorkflowServiceStubs.newServiceStubs(
            io.temporal.serviceclient.WorkflowServiceStubsOptions.newBuilder()
                .setTarget("127.0.0.1:" + stack.settings().temporalPort())
                .build());
    try {
      List<String> ids = new ArrayList<>();
      ids.add("execution-" + executionId);
      ids.add("notify-" + executionId);
      for (int lane = 0; lane < 100; lane++) {
        ids.add("execution-" + executionId + "-lane-" + lane);
      }
      for (String workflowId : ids) {
        String runId = "";
        StringBuilder all = new StringBuilder();
        boolean found = false;
        do {
          io.temporal.api.history.v1.History history;
          try {
            history = history(stubs, workflowId, runId);
          } catch (io.grpc.StatusRuntimeException e) {
            if (e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
              break;
            }
            throw e;
          }
          found = true;
          all.append(new String(history.toByteArray(), StandardCharsets.ISO_8859_1));
          all.append(new String(history.toByteArray(), StandardCharsets.UTF_8));
          runId =
              history
                  .getEvents(0)
                  .getWorkflowExecutionStartedEventAttributes()
                  .getContinuedExecutionRunId();
        } while (!runId.isEmpty());
        if (found) {
          histories.put("history " + workflowId, all.toString());
        }
      }
    } finally {
      stubs.shutdownNow();
    }
    assertTrue(
        histories.containsKey("history execution-" + executionId), "found " + histories.keySet());
    return histories;
  }

  private static io.temporal.api.history.v1.History history(
      io.temporal.serviceclient.WorkflowServiceStubs stubs, String workflowId, String runId) {
    io.temporal.api.history.v1.History.Builder all =
        io.temporal.api.history.v1.History.newBuilder();
    com.google.protobuf.ByteString page = com.google.protobuf.ByteString.EMPTY;
    do {
      io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse response =
          stubs
              .blockingStub()
              .getWorkflowExecutionHistory(
                  io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest.newBuilder()
                      .setNamespace("default")
                      .setExecution(
                          io.temporal.api.common.v1.WorkflowExecution.newBuilder()
                              .setWorkflowId(workflowId)
                              .setRunId(runId))
                      .setNextPageToken(page)
                      .build());
      all.addAllEvents(response.getHistory().getEventsList());
      page = response.getNextPageToken();
    } while (!page.isEmpty());
    return all.build();
  }

  @Test
  void givenARunningExecution_whenTheConsumerIsKilledAndRestarted_thenTheExecutionStillFinishes()
      throws Exception {
    String scenarioId = scenario(List.of(test("slow", "sleep 6; echo done", null, Map.of())));
    String id = run(scenarioId);
    awaitRunning(id);

    stack.kill("consumer");
    stack.startConsumer();

    JsonNode execution = Demo.awaitEnd(admin, id, TIMEOUT);
    assertEquals("finished", execution.get("state").asText(), execution.toString());
    assertEquals("ok", execution.get("result").asText());
    assertEquals(1, execution.get("counters").get("ok").asInt());
  }

  @Test
  void
      givenAScriptReportingManyResults_whenTheConsumerDiesAndItAndTheAgentRestart_thenEachIsStoredOnce()
          throws Exception {
    String agent = "e2e-buffer";
    startAgents(List.of(agent), List.of());
    String reported = "reported-" + System.nanoTime();
    // 50 results over about 5 s; each one the agent took (202) is written down.
    String script =
        "for i in $(seq 1 50); do curl -sS -f -o /dev/null -H 'Content-Type: application/json'"
            + " -d \"{\\\"case\\\": \\\"case-$i\\\", \\\"status\\\": \\\"ok\\\"}\" \"$CTA_RESULTS_URL\""
            + " && echo case-$i >> "
            + reported
            + ".txt; sleep 0.1; done; touch "
            + reported
            + ".done";
    String scenarioId =
        scenario(List.of(test("reporter", script, null, Map.of())), agent, 60_000, 120_000, null);
    String id = run(scenarioId);
    await(
        "the first results to be stored",
        () -> admin.get("/api/v1/executions/" + id + "/results"),
        r -> r.body().get("total").asInt() >= 5);

    stack.kill("consumer");
    Path work = stack.workDir(agent);
    awaitTrue("the script to end", () -> Files.exists(work.resolve(reported + ".done")));
    awaitTrue(
        "the agent to finish the test",
        () -> log("agent-" + agent).contains("execution " + id + ": test 'reporter' ok"));
    int storedBefore =
        admin.get("/api/v1/executions/" + id + "/results").body().get("total").asInt();
    assertTrue(storedBefore < 50, "some results wait in the agent's buffer: " + storedBefore);
    stack.kill("agent-" + agent);
    stack.startConsumer();
    stack.startAgent(agent, List.of());

    JsonNode execution = Demo.awaitEnd(admin, id, TIMEOUT);
    assertEquals("finished", execution.get("state").asText(), execution.toString());
    assertEquals(50, execution.get("counters").get("ok").asInt(), execution.toString());
    List<String> sent = Files.readAllLines(work.resolve(reported + ".txt"));
    assertEquals(50, sent.size());
    JsonNode results = admin.get("/api/v1/executions/" + id + "/results?size=100").body();
    List<String> stored = new ArrayList<>();
    for (JsonNode result : results.get("items")) {
      stored.add(result.get("case").asText());
      assertEquals(1, result.get("attempt").asInt(), result.toString());
    }
    assertEquals(50, results.get("total").asInt(), "none doubled: " + stored);
    assertEquals(new HashSet<>(sent), new HashSet<>(stored), "none missing");
    assertTrue(
        log("agent-" + agent).contains("not yet delivered, delivering them first"),
        "the restarted agent replayed its buffer");
  }

  @Test
  void givenNoOrAWrongToken_whenCallingTheApi_thenItAnswersProblemDetails() {
    CtaClient anonymous = new CtaClient(stack.settings().apiUrl(), null);
    CtaClient.Response unauthorized = anonymous.get("/api/v1/executions");
    assertEquals(401, unauthorized.status());
    assertEquals(401, unauthorized.body().get("status").asInt());

    String viewer =
        admin
            .post("/api/v1/tokens", Map.of("name", "viewer", "role", "viewer"))
            .expect(201)
            .body()
            .get("token")
            .asText();
    CtaClient.Response forbidden =
        new CtaClient(stack.settings().apiUrl(), viewer).post("/api/v1/suites", Map.of());
    assertEquals(403, forbidden.status());
    assertEquals(
        200, new CtaClient(stack.settings().apiUrl(), viewer).get("/api/v1/suites").status());

    CtaClient.Response missing = admin.get("/api/v1/executions/nope");
    assertEquals(404, missing.status());
    assertTrue(missing.body().get("detail").asText().contains("nope"));
  }

  @Test
  void givenAStoredSecret_whenTheAgentFetchesItForItsRunningTest_thenApiAndConsumerShareTheKey()
      throws Exception {
    String name = "e2e-db-" + System.nanoTime();
    String canary = "canary-" + System.nanoTime();
    CtaClient.Response stored =
        admin.post("/api/v1/secrets", Map.of("name", name, "value", canary));
    assertEquals(201, stored.status(), String.valueOf(stored.body()));
    String scenarioId =
        scenario(
            List.of(
                test("uses-secret", "sleep 30", null, Map.of("DB", "x${secret:" + name + "}"))));
    String id = run(scenarioId);
    awaitRunning(id);
    String token =
        Files.readString(stack.settings().secretsDir().resolve("agent-" + AGENT + ".token")).trim();
    CtaClient agent = new CtaClient(stack.settings().consumerUrl(), token);
    Map<String, Object> fetch =
        Map.of("executionId", id, "testId", "uses-secret", "attempt", 1, "names", List.of(name));

    CtaClient.Response served = agent.post("/agent/v1/secrets", fetch);
    admin.post("/api/v1/executions/" + id + "/cancel", Map.of());
    Demo.awaitEnd(admin, id, TIMEOUT);
    CtaClient.Response afterEnd = agent.post("/agent/v1/secrets", fetch);

    assertEquals(200, served.status(), String.valueOf(served.body()));
    assertEquals(canary, served.body().get("values").get(name).asText());
    assertEquals(403, afterEnd.status(), String.valueOf(afterEnd.body()));
    JsonNode uses =
        admin.get("/api/v1/audit?resource=secrets&resourceId=" + name).expect(200).body();
    assertFalse(uses.toString().contains(canary), uses.toString());
    JsonNode use = uses.get("items").get(0);
    assertEquals("USE", use.get("method").asText(), uses.toString());
    assertEquals(AGENT, use.get("by").asText(), uses.toString());
    assertEquals(id, use.get("executionId").asText(), uses.toString());
    assertEquals(1, use.get("attempt").asInt(), uses.toString());
    assertFalse(admin.get("/api/v1/secrets?size=500").body().toString().contains(canary));
    assertFalse(admin.get("/api/v1/suites?size=500").body().toString().contains(canary));
    String key = Files.readString(stack.secretKeyFile()).trim();
    for (String process : List.of("consumer", "api")) {
      String log = Files.readString(stack.settings().logDir().resolve(process + ".log"));
      assertFalse(log.contains(canary), process + " logged a secret's value");
      assertFalse(log.contains(key), process + " logged the secret key");
    }
  }

  @Test
  void givenASelectorWithNegationAndANumericComparison_whenRun_thenOnlyTheMatchingMachineRunsIt()
      throws Exception {
    String scenarioId =
        scenario(
            List.of(test("t", "true", null, Map.of())),
            Map.of("target", Map.of("selector", "os in (linux,macos),cores>=4,!legacy")),
            Map.of());

    String id = run(scenarioId);
    JsonNode execution = Demo.awaitEnd(admin, id, TIMEOUT);

    assertEquals("finished", execution.get("state").asText(), execution.toString());
    assertEquals(1, execution.get("machines").size(), "only the matching machine was targeted");
    assertEquals(AGENT, execution.get("machines").get(0).get("name").asText());
    JsonNode bad =
        admin
            .post(
                "/api/v1/configurations",
                Map.of("name", "bad", "target", Map.of("selector", "cores>=many")))
            .body();
    assertEquals(400, bad.get("status").asInt());
    assertEquals(
        "target.selector: expected a number after a comparison, got 'many' at position 7",
        bad.get("detail").asText());
  }

  @Test
  void givenARestrictedAgentToken_whenItsAgentDeclaresMore_thenSelectorsSeeOnlyWhatItAllows()
      throws Exception {
    String name = "e2e-restricted";
    String token =
        admin
            .post(
                "/api/v1/tokens",
                Map.of(
                    "name",
                    "restricted agent",
                    "role",
                    "agent",
                    "machine",
                    name,
                    "properties",
                    Map.of("role", List.of("restrict*")),
                    "groups",
                    List.of("allowed-*")))
            .expect(201)
            .body()
            .get("token")
            .asText();
    LocalStack.writeSecret(
        stack.settings().secretsDir().resolve("agent-" + name + ".token"), token);
    startAgents(
        List.of(name),
        List.of(
            "--property", "role=restricted",
            "--property", "gpu.vendor=nvidia",
            "--group", "allowed-1",
            "--group", "gpu"));

    JsonNode machine = admin.get("/api/v1/machines/" + name).body();
    assertEquals(
        Map.of("role", "restricted"),
        new ObjectMapper().convertValue(machine.get("properties"), Map.class));
    assertEquals(
        Map.of("gpu.vendor", "nvidia"),
        new ObjectMapper().convertValue(machine.get("refused").get("properties"), Map.class));
    assertEquals(
        List.of("gpu"),
        new ObjectMapper().convertValue(machine.get("refused").get("groups"), List.class));

    String refused =
        scenario(
            List.of(test("t", "true", null, Map.of())),
            Map.of(
                "runMode",
                "mono",
                "target",
                Map.of("selector", "role=restricted,gpu.vendor=nvidia")),
            Map.of("pendingTimeout", 2_000, "runningTimeout", 60_000));
    String allowed =
        scenario(
            List.of(test("t", "true", null, Map.of())),
            Map.of("runMode", "mono", "target", Map.of("selector", "role=restricted")),
            Map.of("pendingTimeout", 60_000, "runningTimeout", 60_000));

    JsonNode notMatched = Demo.awaitEnd(admin, run(refused), TIMEOUT);
    JsonNode matched = Demo.awaitEnd(admin, run(allowed), TIMEOUT);

    assertEquals("timeout", notMatched.get("state").asText(), notMatched.toString());
    assertTrue(
        notMatched.get("reason").asText().contains("no machine matches"), notMatched.toString());
    assertEquals("finished", matched.get("state").asText(), matched.toString());
    assertEquals(name, matched.get("machines").get(0).get("name").asText());
  }

  @Test
  void givenAGroupTarget_whenTheAgentRunningTheTestIsKilled_thenAnotherGroupMemberRunsIt()
      throws Exception {
    startAgents(List.of("e2e-pair-1", "e2e-pair-2"), List.of("--group", "pair"));
    String scenarioId =
        scenario(
            List.of(test("long", "sleep 6", null, Map.of())),
            Map.of("runMode", "group", "target", Map.of("group", "pair")),
            Map.of());
    String id = run(scenarioId);
    String first = runningMachine(id);

    stack.kill("agent-" + first);

    JsonNode execution = Demo.awaitEnd(admin, id, TIMEOUT);
    assertEquals("finished", execution.get("state").asText(), execution.toString());
    assertEquals("ok", execution.get("result").asText());
    assertEquals(
        1, execution.get("counters").get("ok").asInt(), "the re-dispatched test counts once");
    JsonNode results = admin.get("/api/v1/executions/" + id + "/results").body();
    JsonNode result = results.get("items").get(0);
    assertEquals(2, result.get("attempt").asInt());
    assertTrue(!result.get("machine").asText().equals(first), "another member ran it: " + results);
    assertEquals(2, execution.get("machines").size(), execution.toString());
    for (JsonNode machine : execution.get("machines")) {
      String expected = machine.get("name").asText().equals(first) ? "timeout" : "finished";
      assertEquals(expected, machine.get("state").asText(), execution.toString());
    }
  }

  @Test
  void givenAGroupSuite_whenItsMachineIsDrainedAfterTheFirstTest_thenTheOtherMemberRunsTheRest()
      throws Exception {
    List<String> pair = List.of("e2e-drained-1", "e2e-drained-2");
    startAgents(pair, List.of("--group", "drained"));
    try {
      String id =
          run(
              scenario(
                  sleepers(3, "4"),
                  Map.of("runMode", "group", "target", Map.of("group", "drained")),
                  Map.of("pendingTimeout", 60_000, "runningTimeout", 90_000)));
      String first = runningMachine(id);
      String other = pair.get(0).equals(first) ? pair.get(1) : pair.get(0);

      assertEquals(202, admin.post("/api/v1/machines/" + first + "/drain", null).status());

      // Before, the rest of the suite waited on the drained machine's queue: timeout after 90 s.
      JsonNode execution = Demo.awaitEnd(admin, id, TIMEOUT);
      assertEquals("finished", execution.get("state").asText(), execution.toString());
      assertEquals("ok", execution.get("result").asText());
      assertEquals(3, execution.get("counters").get("ok").asInt(), "every test counts once");
      Map<String, Integer> perMachine = resultsPerMachine(id);
      assertTrue(perMachine.getOrDefault(first, 0) >= 1, "the first test stays: " + perMachine);
      assertTrue(perMachine.getOrDefault(other, 0) >= 1, "the rest moved: " + perMachine);
      JsonNode results = admin.get("/api/v1/executions/" + id + "/results?size=100").body();
      boolean movedAsANewAttempt = false;
      for (JsonNode result : results.get("items")) {
        movedAsANewAttempt |=
            result.get("machine").asText().equals(other) && result.get("attempt").asInt() == 2;
      }
      assertTrue(movedAsANewAttempt, "the first test on " + other + " is attempt 2: " + results);
    } finally {
      pair.forEach(name -> stack.stop("agent-" + name));
    }
  }

  /** Waits until a machine of the execution runs a test, and answers its name. */
  private static String runningMachine(String executionId) throws InterruptedException {
    String[] running = new String[1];
    await(
        "a machine to run a test",
        () -> admin.get("/api/v1/executions/" + executionId),
        r -> {
          for (JsonNode m : r.body().get("machines")) {
            if (m.get("state").asText().equals("running")) {
              running[0] = m.get("name").asText();
            }
          }
          return running[0] != null;
        });
    return running[0];
  }

  /** Starts agents (one JVM each) and waits until each is online. */
  private static void startAgents(List<String> names, List<String> args) throws Exception {
    for (String name : names) {
      stack.startAgent(name, args);
    }
    for (String name : names) {
      await(
          "machine " + name + " to be online",
          () -> admin.get("/api/v1/machines/" + name),
          r -> r.body().get("status").asText().equals("online"));
    }
  }

  private static List<Map<String, Object>> sleepers(int count, String seconds) {
    List<Map<String, Object>> tests = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      tests.add(test("t" + i, "sleep " + seconds, null, Map.of()));
    }
    return tests;
  }

  private static Map<String, Integer> resultsPerMachine(String executionId) {
    Map<String, Integer> perMachine = new java.util.TreeMap<>();
    for (JsonNode result :
        admin.get("/api/v1/executions/" + executionId + "/results?size=100").body().get("items")) {
      perMachine.merge(result.get("machine").asText(), 1, Integer::sum);
    }
    return perMachine;
  }

  @Test
  void givenParallelOverThreeAgents_whenRun_thenEachTestGoesToTheNextFreeMachineOnce()
      throws Exception {
    List<String> fleet = List.of("e2e-par-1", "e2e-par-2", "e2e-par-3");
    startAgents(fleet, List.of("--group", "par", "--slots", "1"));
    String scenarioId =
        scenario(
            sleepers(6, "1"),
            Map.of("runMode", "parallel", "target", Map.of("group", "par")),
            Map.of());

    JsonNode execution = Demo.awaitEnd(admin, run(scenarioId), TIMEOUT);

    assertEquals("finished", execution.get("state").asText(), execution.toString());
    assertEquals(6, execution.get("counters").get("ok").asInt(), execution.toString());
    Map<String, Integer> perMachine = resultsPerMachine(execution.get("id").asText());
    assertEquals(6, perMachine.values().stream().mapToInt(Integer::intValue).sum());
    assertTrue(fleet.containsAll(perMachine.keySet()), perMachine.toString());
    assertTrue(perMachine.size() >= 2, "the tests were spread: " + perMachine);
    assertTrue(
        perMachine.values().stream().allMatch(n -> n <= 4),
        "no machine ran them all: " + perMachine);
  }

  @Test
  void givenParallel_whenAnAgentRunningATestIsKilled_thenItsTestIsReDispatchedAndCountedOnce()
      throws Exception {
    List<String> fleet = List.of("e2e-loss-1", "e2e-loss-2");
    startAgents(fleet, List.of("--group", "loss", "--slots", "1"));
    String scenarioId =
        scenario(
            sleepers(4, "3"),
            Map.of("runMode", "parallel", "target", Map.of("group", "loss")),
            Map.of());
    String id = run(scenarioId);
    String victim = runningMachine(id);

    stack.kill("agent-" + victim);

    JsonNode execution = Demo.awaitEnd(admin, id, TIMEOUT);
    assertEquals("finished", execution.get("state").asText(), execution.toString());
    assertEquals(4, execution.get("counters").get("ok").asInt(), "each test counted once");
    JsonNode results = admin.get("/api/v1/executions/" + id + "/results?size=100").body();
    boolean redispatched = false;
    for (JsonNode result : results.get("items")) {
      redispatched |= result.get("attempt").asInt() == 2;
    }
    assertTrue(redispatched, "the lost test ran again as attempt 2: " + results);
    for (JsonNode machine : execution.get("machines")) {
      String expected = machine.get("name").asText().equals(victim) ? "timeout" : "finished";
      assertEquals(expected, machine.get("state").asText(), execution.toString());
    }
  }

  @Test
  void givenStressOverTwoAgents_whenRun_thenBothRunTheWholeSuiteFromTheSameInstant()
      throws Exception {
    List<String> fleet = List.of("e2e-stress-1", "e2e-stress-2");
    startAgents(fleet, List.of("--property", "role=stress"));
    String scenarioId =
        scenario(
            List.of(test("a", "true", null, Map.of()), test("b", "true", null, Map.of())),
            Map.of("runMode", "stress", "target", Map.of("selector", "role=stress")),
            Map.of());

    JsonNode execution = Demo.awaitEnd(admin, run(scenarioId), TIMEOUT);

    assertEquals("finished", execution.get("state").asText(), execution.toString());
    assertEquals(4, execution.get("counters").get("ok").asInt(), "results count per machine");
    assertEquals(
        Map.of("e2e-stress-1", 2, "e2e-stress-2", 2),
        resultsPerMachine(execution.get("id").asText()));
    for (JsonNode machine : execution.get("machines")) {
      Instant planned = Instant.parse(machine.get("plannedStartAt").asText());
      Instant actual = Instant.parse(machine.get("startedAt").asText());
      long lateMs = Duration.between(planned, actual).toMillis();
      System.out.printf(
          "stress: %s started %d ms after the planned instant%n",
          machine.get("name").asText(), lateMs);
      assertTrue(lateMs >= 0 && lateMs < 1_000, machine.toString());
    }
  }

  @Test
  void givenASelectorNoMachineMatchesYet_whenAMatchingAgentStarts_thenItJoinsThePoolAndRunsIt()
      throws Exception {
    String scenarioId =
        scenario(
            List.of(test("t", "true", null, Map.of())),
            Map.of("target", Map.of("selector", "pool=late")),
            Map.of());
    JsonNode created =
        admin.post("/api/v1/scenarios/" + scenarioId + "/run", null).expect(201).body();
    assertEquals(
        "no machine matches the selector 'pool=late'",
        created.get("waiting").get("reason").asText(),
        created.toString());

    startAgents(List.of("e2e-late-pool"), List.of("--property", "pool=late"));

    JsonNode execution = Demo.awaitEnd(admin, created.get("id").asText(), TIMEOUT);
    assertEquals("finished", execution.get("state").asText(), execution.toString());
    assertEquals(Map.of("e2e-late-pool", 1), resultsPerMachine(execution.get("id").asText()));
  }

  @Test
  void givenAGroupAssignedThroughTheApi_whenRun_thenTheRunningAgentPollsItWithoutARestart()
      throws Exception {
    startAgents(List.of("e2e-assigned"), List.of());
    JsonNode patched =
        admin
            .send("PATCH", "/api/v1/machines/e2e-assigned", Map.of("groups", List.of("assigned")))
            .expect(200)
            .body();
    assertTrue(patched.get("groups").toString().contains("assigned"), patched.toString());
    String scenarioId =
        scenario(
            List.of(test("t", "true", null, Map.of())),
            Map.of("target", Map.of("group", "assigned")),
            Map.of());

    JsonNode execution = Demo.awaitEnd(admin, run(scenarioId), TIMEOUT);

    assertEquals("finished", execution.get("state").asText(), execution.toString());
    assertEquals(Map.of("e2e-assigned", 1), resultsPerMachine(execution.get("id").asText()));
  }

  @Test
  void givenAPropertyAssignedThroughTheApi_whenASelectorWaitsForIt_thenTheRunningAgentRunsIt()
      throws Exception {
    String tier = "gold-" + System.nanoTime();
    String scenarioId =
        scenario(
            List.of(test("t", "true", null, Map.of())),
            Map.of("target", Map.of("selector", "tier=" + tier)),
            Map.of());
    String id = run(scenarioId);
    assertEquals("pending", admin.get("/api/v1/executions/" + id).body().get("state").asText());

    admin
        .send("PATCH", "/api/v1/machines/" + AGENT, Map.of("properties", Map.of("tier", tier)))
        .expect(200);
    try {
      JsonNode execution = Demo.awaitEnd(admin, id, TIMEOUT);

      assertEquals("finished", execution.get("state").asText(), execution.toString());
      assertEquals(Map.of(AGENT, 1), resultsPerMachine(id));
    } finally {
      admin.send("PATCH", "/api/v1/machines/" + AGENT, Map.of("properties", Map.of())).expect(200);
    }
  }

  @Test
  void givenATestThatPrintsThenWaits_whenItsLogsAreReadWhileItRuns_thenTheLineIsThere()
      throws Exception {
    String line = "visible-" + System.nanoTime();
    String scenarioId =
        scenario(List.of(test("slow-log", "echo " + line + "; sleep 8", null, Map.of())));
    String id = run(scenarioId);

    await(
        "the line in the execution's logs",
        () -> admin.get("/api/v1/executions/" + id + "/logs"),
        logs -> logs.body() != null && logs.body().toString().contains(line));

    assertEquals(
        "running",
        admin.get("/api/v1/executions/" + id).body().get("state").asText(),
        "the log was readable while the test ran");
    assertEquals("finished", Demo.awaitEnd(admin, id, TIMEOUT).get("state").asText());
  }

  @Test
  void givenATwoTestSuite_whenItsExecutionIsReadWhileRunning_thenItListsTheRunningTestAndProgress()
      throws Exception {
    String scenarioId =
        scenario(
            List.of(
                test("quick", "exit 0", null, Map.of()),
                test("slow-progress", "sleep 8", null, Map.of())));
    String id = run(scenarioId);

    await(
        "the slow test listed as running, after the quick one is done",
        () -> admin.get("/api/v1/executions/" + id),
        e ->
            e.body().path("running").size() == 1
                && e.body().path("running").get(0).path("testId").asText().equals("slow-progress")
                && e.body().path("progress").path("done").asInt() == 1);
    JsonNode running = admin.get("/api/v1/executions/" + id).body();
    assertEquals(
        AGENT, running.path("running").get(0).path("machine").asText(), running.toString());
    assertEquals(1, running.path("running").get(0).path("attempt").asInt(), running.toString());
    assertEquals(2, running.path("progress").path("tests").asInt(), running.toString());

    JsonNode ended = Demo.awaitEnd(admin, id, TIMEOUT);
    assertEquals("finished", ended.get("state").asText());
    JsonNode read = admin.get("/api/v1/executions/" + id).body();
    assertFalse(read.has("running"), "omitted once it ended: " + read);
    assertFalse(read.has("progress"), "omitted once it ended: " + read);
  }

  @Test
  void givenAStagePrinting100MbWithoutANewline_whenRun_thenTheAgentLivesAndShipsTheLineCut()
      throws Exception {
    // The agent's heap is 96 MB: a reader holding the whole line would run it out of memory.
    String scenarioId =
        scenario(
            List.of(
                test(
                    "long-line",
                    "head -c 100000000 /dev/zero | tr '\\0' a; echo; echo after-the-line",
                    null,
                    Map.of())));
    String id = run(scenarioId);

    JsonNode execution = Demo.awaitEnd(admin, id, TIMEOUT);

    assertEquals("finished", execution.get("state").asText(), execution.toString());
    assertEquals("ok", execution.get("result").asText(), execution.toString());
    String logs = admin.get("/api/v1/executions/" + id + "/logs").body().toString();
    assertTrue(logs.contains(" [line cut at 16384 characters]"), "the line was cut");
    assertTrue(logs.contains("after-the-line"), "output after the long line arrived");
    assertTrue(logs.length() < 200_000, "the output shipped is bounded: " + logs.length());
    String again = run(scenario(List.of(test("still-alive", "echo alive", null, Map.of()))));
    assertEquals("finished", Demo.awaitEnd(admin, again, TIMEOUT).get("state").asText());
  }

  @Test
  void givenAConcurrencyLimit_whenMoreRunsArrive_thenTheyQueueOrAreRejected() throws Exception {
    Map<String, Object> target = Map.of("target", Map.of("machine", AGENT));
    String queued =
        scenario(
            List.of(test("t", "sleep 2", null, Map.of())),
            target,
            Map.of("concurrency", Map.of("max", 1)));
    String first = run(queued);
    String second = run(queued);
    await(
        "the second execution to say it waits for the limit",
        () -> admin.get("/api/v1/executions/" + second),
        r ->
            r.body().get("state").asText().equals("pending")
                && r.body()
                    .get("waiting")
                    .get("reason")
                    .asText()
                    .contains("concurrency limit of 1"));
    assertEquals("finished", Demo.awaitEnd(admin, first, TIMEOUT).get("state").asText());
    JsonNode later = Demo.awaitEnd(admin, second, TIMEOUT);
    assertEquals("finished", later.get("state").asText(), later.toString());
    assertTrue(
        !Instant.parse(later.get("startedAt").asText())
            .isBefore(
                Instant.parse(Demo.awaitEnd(admin, first, TIMEOUT).get("finishedAt").asText())),
        "the second started only once the first had ended");

    String rejecting =
        scenario(
            List.of(test("t", "sleep 2", null, Map.of())),
            target,
            Map.of("concurrency", Map.of("max", 1, "whenFull", "reject")));
    String running = run(rejecting);
    CtaClient.Response refused = admin.post("/api/v1/scenarios/" + rejecting + "/run", null);
    assertEquals(409, refused.status(), refused.body().toString());
    assertTrue(refused.body().get("detail").asText().contains("concurrency limit"));
    assertEquals("finished", Demo.awaitEnd(admin, running, TIMEOUT).get("state").asText());
    run(rejecting); // a slot is free again
  }

  @Test
  void givenRetries_whenATestPassesOnlyOnItsRetry_thenItIsOkAndFlaggedFlaky() throws Exception {
    String scenarioId =
        scenario(
            List.of(
                test(
                    "flaky",
                    "if [ -f tried ]; then exit 0; fi; touch tried; exit 1",
                    "flaky",
                    Map.of())),
            Map.of("target", Map.of("machine", AGENT)),
            Map.of("retries", 2));

    String id = run(scenarioId);
    JsonNode execution = Demo.awaitEnd(admin, id, TIMEOUT);

    assertEquals("finished", execution.get("state").asText(), execution.toString());
    assertEquals("ok", execution.get("result").asText());
    assertEquals(1, execution.get("counters").get("ok").asInt());
    assertEquals(
        0, execution.get("counters").get("failed").asInt(), "the failed attempt is superseded");
    JsonNode results = admin.get("/api/v1/executions/" + id + "/results").body();
    assertEquals(2, results.get("total").asInt(), "every attempt is recorded: " + results);
    for (JsonNode result : results.get("items")) {
      boolean retry = result.get("attempt").asInt() == 2;
      assertEquals(retry ? "ok" : "failed", result.get("status").asText());
      assertEquals(retry, result.get("flaky").asBoolean(), results.toString());
    }
  }

  @Test
  void givenAPassingAndAFailingTest_whenRerunWithOnlyFailed_thenOnlyTheFailingOneRunsAgain()
      throws Exception {
    String scenarioId =
        scenario(
            List.of(
                test("stays-green", "true", null, Map.of()),
                test(
                    "fails-once",
                    "if [ -f failed-once ]; then exit 0; fi; touch failed-once; exit 1",
                    "rerun-" + System.nanoTime(),
                    Map.of())));
    String original = run(scenarioId);
    assertEquals("failed", Demo.awaitEnd(admin, original, TIMEOUT).get("result").asText());

    CtaClient.Response rerun =
        admin.post(
            "/api/v1/executions/" + original + "/rerun",
            Map.of("onlyFailed", true, "reason", "e2e"));

    assertEquals(201, rerun.status(), String.valueOf(rerun.body()));
    String id = rerun.body().get("id").asText();
    assertEquals(original, rerun.body().get("rerunOf").asText());
    JsonNode execution = Demo.awaitEnd(admin, id, TIMEOUT);
    assertEquals("finished", execution.get("state").asText(), execution.toString());
    assertEquals("ok", execution.get("result").asText());
    assertEquals(original, execution.get("rerunOf").asText());
    JsonNode results = admin.get("/api/v1/executions/" + id + "/results").expect(200).body();
    assertEquals(1, results.get("total").asInt(), "only the failing test ran: " + results);
    assertEquals("ok", find(results, "fails-once").get("status").asText());

    String suiteId =
        admin.get("/api/v1/scenarios/" + scenarioId).body().get("testSuiteId").asText();
    JsonNode history =
        admin.get("/api/v1/suites/" + suiteId + "/tests/fails-once/history").expect(200).body();
    assertEquals(2, history.get("runs").size(), history.toString());
    assertEquals(id, history.get("runs").get(0).get("executionId").asText());
    assertEquals("ok", history.get("runs").get(0).get("status").asText());
    assertEquals(original, history.get("runs").get(1).get("executionId").asText());
    assertEquals("failed", history.get("runs").get(1).get("status").asText());
    assertEquals(1, history.get("flips").asInt());
    assertFalse(history.get("flaky").asBoolean(), "one flip is a fix, not flakiness");
    assertEquals(
        1,
        admin
            .get("/api/v1/suites/" + suiteId + "/tests/stays-green/history")
            .body()
            .get("runs")
            .size());
    assertEquals(
        400,
        admin.post("/api/v1/executions/" + id + "/rerun", Map.of("onlyFailed", true)).status(),
        "nothing failed in the rerun");

    Element report = junit(original).getDocumentElement();
    assertEquals("2", report.getAttribute("tests"));
    assertEquals("1", report.getAttribute("failures"));
    assertEquals(1, report.getElementsByTagName("failure").getLength());
  }

  /** The execution's JUnit report, parsed. */
  private static Document junit(String executionId) throws Exception {
    HttpResponse<byte[]> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(admin.base() + "/api/v1/executions/" + executionId + "/junit"))
                    .header("Authorization", "Bearer " + adminToken)
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, response.statusCode());
    return DocumentBuilderFactory.newInstance()
        .newDocumentBuilder()
        .parse(new ByteArrayInputStream(response.body()));
  }

  @Test
  void givenATestPostingResultsAndWritingAJUnitReport_whenRun_thenEveryResultHasItsStatus()
      throws Exception {
    String script =
        """
        set -e
        curl -sS -f -H 'Content-Type: application/json' -d '{"case": "login", "status": "ok",\
         "message": "logged in", "custom": {"browser": "firefox", "build": "1.2.3"}}' "$CTA_RESULTS_URL"
        curl -sS -f -H 'Content-Type: application/json'\
         -d '{"case": "checkout", "status": "failed", "message": "card declined"}' "$CTA_RESULTS_URL"
        curl -sS -f "$CTA_TESTSTATUS_URL?id=$CTA_TEST_ID&status=partial&message=2+of+3+browsers&region=eu"
        mkdir -p target/surefire-reports
        cat > target/surefire-reports/TEST-shop.CartTest.xml <<'EOF'
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuite name="shop.CartTest" time="0.2" tests="3" errors="0" skipped="1" failures="1">
          <testcase name="adds" classname="shop.CartTest" time="0.1"/>
          <testcase name="totals" classname="shop.CartTest" time="0.05">
            <failure message="expected 107 but was 106" type="java.lang.AssertionError"><![CDATA[\
        java.lang.AssertionError: expected 107 but was 106
        \tat shop.CartTest.totals(CartTest.java:12)
        ]]></failure>
          </testcase>
          <testcase name="removes" classname="shop.CartTest" time="0"><skipped message="not yet"/></testcase>
        </testsuite>
        EOF
        """;
    Map<String, Object> reporting =
        Map.of(
            "id",
            "reporting",
            "reports",
            List.of("target/surefire-reports/TEST-*.xml"),
            "stages",
            List.of(Map.of("name", "run", "run", script, "cwd", "reporting", "timeout", 60_000)));
    Map<String, Object> missing =
        Map.of(
            "id",
            "missing-report",
            "reports",
            List.of("out/*.xml"),
            "stages",
            List.of(Map.of("name", "run", "run", "echo nothing written; exit 1")));

    String id = run(scenario(List.of(reporting, missing)));
    JsonNode execution = Demo.awaitEnd(admin, id, TIMEOUT);

    assertEquals("finished", execution.get("state").asText(), execution.toString());
    assertEquals("failed", execution.get("result").asText());
    JsonNode results = admin.get("/api/v1/executions/" + id + "/results").expect(200).body();
    Map<String, String> statuses = new java.util.TreeMap<>();
    Map<String, JsonNode> byCase = new java.util.HashMap<>();
    for (JsonNode result : results.get("items")) {
      String key = result.get("testId").asText() + "/" + result.get("case").asText();
      statuses.put(key, result.get("status").asText());
      byCase.put(key, result);
    }
    assertEquals(
        Map.of(
            "reporting/login", "ok",
            "reporting/checkout", "failed",
            "reporting/", "partial",
            "reporting/shop.CartTest.adds", "ok",
            "reporting/shop.CartTest.totals", "failed",
            "reporting/shop.CartTest.removes", "inconclusive",
            "missing-report/out/*.xml", "inconclusive",
            "missing-report/", "failed"),
        statuses,
        results.toString());
    JsonNode counters = execution.get("counters");
    assertEquals(2, counters.get("ok").asInt(), counters.toString());
    assertEquals(3, counters.get("failed").asInt());
    assertEquals(1, counters.get("partial").asInt());
    assertEquals(2, counters.get("inconclusive").asInt());
    JsonNode login = byCase.get("reporting/login");
    assertEquals("logged in", login.get("message").asText());
    assertEquals("firefox", login.get("custom").get("browser").asText());
    assertEquals("1.2.3", login.get("custom").get("build").asText());
    assertEquals("eu", byCase.get("reporting/").get("custom").get("region").asText());
    assertEquals("2 of 3 browsers", byCase.get("reporting/").get("message").asText());
    JsonNode totals = byCase.get("reporting/shop.CartTest.totals");
    assertEquals("expected 107 but was 106", totals.get("message").asText());
    assertEquals(50, totals.get("durationMs").asInt());
    assertTrue(totals.get("description").asText().contains("CartTest.java:12"), totals.toString());
    assertEquals(
        "no report matches 'out/*.xml'",
        byCase.get("missing-report/out/*.xml").get("message").asText());
    assertEquals(
        "stage 'run' exited with 1: nothing written",
        byCase.get("missing-report/").get("message").asText());
  }

  @Test
  void givenATestPostingAScreenshotAndAnAttachment_whenRun_thenTheResultListsBothAndTheyDownload()
      throws Exception {
    String script =
        """
        set -e
        mkdir -p shots
        printf '\\211PNG\\r\\n\\032\\n\\000\\000\\000\\rIHDR\\000\\000\\000\\001' > shots/login.png
        head -c 300000 /dev/urandom >> shots/login.png
        printf 'line one\\nline two\\n' > app.log
        curl -sS -f -H 'Content-Type: application/json' -d '{"status": "ok", "message": "shot taken",\
         "attachments": ["app.log"], "screenshots": ["shots/login.png"]}' "$CTA_RESULTS_URL"
        """;
    Map<String, Object> test =
        Map.of(
            "id",
            "shooting",
            "stages",
            List.of(Map.of("name", "run", "run", script, "cwd", "shooting", "timeout", 60_000)));

    String id = run(scenario(List.of(test)));
    JsonNode execution = Demo.awaitEnd(admin, id, TIMEOUT);

    assertEquals("finished", execution.get("state").asText(), execution.toString());
    JsonNode result =
        admin.get("/api/v1/executions/" + id + "/results").expect(200).body().get("items").get(0);
    assertEquals("ok", result.get("status").asText(), result.toString());
    JsonNode attachment = result.get("attachments").get(0);
    JsonNode screenshot = result.get("screenshots").get(0);
    assertEquals("app.log", attachment.get("name").asText(), result.toString());
    assertEquals("login.png", screenshot.get("name").asText(), result.toString());
    Path workDir = stack.workDir(AGENT).getParent();
    Path written;
    try (var found = Files.walk(workDir)) {
      written =
          found
              .filter(p -> p.endsWith(Path.of("shooting", "shots", "login.png")))
              .findFirst()
              .orElseThrow();
    }
    byte[] png = Files.readAllBytes(written);
    byte[] log = Files.readAllBytes(written.getParent().getParent().resolve("app.log"));
    assertEquals(png.length, screenshot.get("size").asLong());
    for (JsonNode file : List.of(attachment, screenshot)) {
      java.net.http.HttpResponse<byte[]> download =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create(stack.settings().apiUrl() + file.get("url").asText()))
                      .header("Authorization", "Bearer " + adminToken)
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, download.statusCode(), file.toString());
      assertTrue(
          download.headers().firstValue("Content-Disposition").orElse("").startsWith("attachment"));
      assertTrue(
          java.util.Arrays.equals(file == screenshot ? png : log, download.body()),
          file + ": the downloaded bytes differ from the written ones");
    }
  }

  @Test
  void givenTwoWaitingExecutions_whenTheirMachineComesOnline_thenTheHigherPriorityRunsFirst()
      throws Exception {
    String late = "e2e-late";
    String scenarioId =
        scenario(List.of(test("t", "sleep 1", null, Map.of())), late, 120_000, 60_000, null);
    String low = run(scenarioId, Map.of("priority", 0));
    String high = run(scenarioId, Map.of("priority", 90));

    stack.startAgent(late, List.of());

    JsonNode lowDone = Demo.awaitEnd(admin, low, TIMEOUT);
    JsonNode highDone = Demo.awaitEnd(admin, high, TIMEOUT);
    assertEquals("finished", lowDone.get("state").asText());
    assertEquals("finished", highDone.get("state").asText());
    assertTrue(
        Instant.parse(highDone.get("startedAt").asText())
            .isBefore(Instant.parse(lowDone.get("startedAt").asText())),
        "priority 90 started before priority 0: " + highDone + " / " + lowDone);
  }

  /** A test whose stage starts a child process, records its pid, and waits for it. */
  private static Map<String, Object> longRunning(String id) {
    return Map.of(
        "id",
        id,
        "stages",
        List.of(
            Map.of(
                "name", "run",
                "run", "sleep 120 & echo $! > child.pid; wait",
                "stop", "touch stopped",
                "cwd", id,
                "timeout", 600_000)));
  }

  private static String runAndAwaitChild(String scenarioId, String agent, String testId)
      throws Exception {
    String id = run(scenarioId);
    Path pidFile = stack.workDir(agent).resolve(testId).resolve("child.pid");
    await(
        "the test's child process to start",
        () -> admin.get("/api/v1/executions/" + id),
        // The pid file appears once the agent runs the stage, whatever state has been stored.
        r -> Files.exists(pidFile) && pid(pidFile) > 0);
    return id;
  }

  private static long pid(Path pidFile) {
    try {
      String text = Files.readString(pidFile).trim();
      return text.isEmpty() ? 0 : Long.parseLong(text);
    } catch (IOException e) {
      return 0;
    }
  }

  private static void assertDead(Path pidFile) {
    long pid = pid(pidFile);
    ProcessHandle.of(pid)
        .ifPresent(p -> p.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join());
    assertFalse(
        ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
        "child " + pid + " is still alive");
  }

  @Test
  void givenARunningExecution_whenCanceled_thenTheStopCommandRunsTheTreeDiesAndItEndsCanceled()
      throws Exception {
    String scenarioId = scenario(List.of(longRunning("cancel-me")));
    String id = runAndAwaitChild(scenarioId, AGENT, "cancel-me");

    long cancelRequested = System.currentTimeMillis();
    CtaClient.Response cancel =
        admin.post("/api/v1/executions/" + id + "/cancel", Map.of("reason", "wrong build"));

    assertEquals(202, cancel.status());
    JsonNode execution = Demo.awaitEnd(admin, id, TIMEOUT);
    assertEquals("canceled", execution.get("state").asText(), execution.toString());
    assertEquals("canceled by admin: wrong build", execution.get("reason").asText());
    assertEquals("admin", execution.get("cancellation").get("by").asText());
    assertEquals("canceled", execution.get("machines").get(0).get("state").asText());
    Path dir = stack.workDir(AGENT).resolve("cancel-me");
    assertTrue(Files.exists(dir.resolve("stopped")), "the stop command ran");
    // A measurement for docs/benchmarks, not an assertion: request to stop command.
    System.out.println(
        "cancel reached the process "
            + (Files.getLastModifiedTime(dir.resolve("stopped")).toMillis() - cancelRequested)
            + " ms after the request");
    assertDead(dir.resolve("child.pid"));
    assertEquals(200, admin.post("/api/v1/executions/" + id + "/cancel", Map.of()).status());
  }

  @Test
  void givenATestOutlivingTheRunningTimeout_whenItExpires_thenItEndsTimeoutAndTheTreeDies()
      throws Exception {
    String scenarioId =
        scenario(
            List.of(test("quick", "true", null, Map.of()), longRunning("too-slow")),
            TIMEOUT_AGENT,
            60_000,
            3_000,
            null);
    String id = runAndAwaitChild(scenarioId, TIMEOUT_AGENT, "too-slow");

    JsonNode execution = Demo.awaitEnd(admin, id, TIMEOUT);

    assertEquals("timeout", execution.get("state").asText(), execution.toString());
    assertEquals("running timeout of 3 s exceeded", execution.get("reason").asText());
    assertEquals(
        1, execution.get("counters").get("ok").asInt(), "results already reported are kept");
    assertDead(stack.workDir(TIMEOUT_AGENT).resolve("too-slow").resolve("child.pid"));
    assertEquals(409, admin.post("/api/v1/executions/" + id + "/cancel", Map.of()).status());
  }

  @Test
  void givenNoMatchingMachine_whenThePendingTimeoutPasses_thenItEndsTimeoutSayingWhy()
      throws Exception {
    String scenarioId =
        scenario(List.of(test("t", "true", null, Map.of())), "nobody", 2_000, 60_000, null);

    CtaClient.Response run =
        admin.post("/api/v1/scenarios/" + scenarioId + "/run", null).expect(201);

    assertEquals(
        "no machine named 'nobody' has registered",
        run.body().get("waiting").get("reason").asText());
    JsonNode execution = Demo.awaitEnd(admin, run.body().get("id").asText(), TIMEOUT);
    assertEquals("timeout", execution.get("state").asText());
    assertEquals(
        "not started within the pending timeout of 2 s: no machine named 'nobody' has registered",
        execution.get("reason").asText());
  }

  @Test
  void givenTheTargetMachinesAgentDies_whenItStopsHeartbeating_thenTheExecutionEndsMachineLost()
      throws Exception {
    String doomed = "e2e-doomed";
    stack.startAgent(doomed, List.of());
    await(
        "the second agent to be online",
        () -> admin.get("/api/v1/machines/" + doomed),
        r -> r.body().get("status").asText().equals("online"));
    String scenarioId =
        scenario(List.of(test("long", "sleep 60", null, Map.of())), doomed, 60_000, 120_000, null);
    String id = run(scenarioId);
    awaitRunning(id);

    stack.kill("agent-" + doomed);

    JsonNode execution = Demo.awaitEnd(admin, id, TIMEOUT);
    assertEquals("timeout", execution.get("state").asText(), execution.toString());
    assertTrue(
        execution.get("reason").asText().startsWith("machine lost: e2e-doomed"),
        execution.toString());
    assertEquals("timeout", execution.get("machines").get(0).get("state").asText());
  }

  @Test
  void givenAnAgentRunningATest_whenDrained_thenTheTestEndsNothingNewStartsAndTheAgentLeaves()
      throws Exception {
    String name = "e2e-drain";
    startAgents(List.of(name), List.of("--drain-timeout", "60"));
    String first =
        run(
            scenario(
                List.of(test("long", "sleep 4", null, Map.of())), name, 120_000, 120_000, null));
    awaitRunning(first);

    CtaClient.Response drain = admin.post("/api/v1/machines/" + name + "/drain", null);

    assertEquals(202, drain.status(), drain.body().toString());
    assertEquals("draining", drain.body().get("status").asText());
    // The agent hears a drain in its next heartbeat answer; work sent before that may still run.
    awaitLog(stack.logFile("agent-" + name), "draining: no new work", 1);
    String second =
        run(scenario(List.of(test("next", "true", null, Map.of())), name, 120_000, 120_000, null));
    JsonNode done = Demo.awaitEnd(admin, first, TIMEOUT);
    assertEquals("ok", done.get("result").asText(), "the running test ended: " + done);
    Process agent = stack.process("agent-" + name);
    assertTrue(agent.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the agent exited");
    assertEquals(0, agent.exitValue());
    assertEquals(
        "offline",
        admin.get("/api/v1/machines/" + name).body().get("status").asText(),
        "deregistered: offline at once, not after the heartbeat timeout");
    JsonNode waiting = admin.get("/api/v1/executions/" + second).body();
    assertEquals("pending", waiting.get("state").asText(), "nothing new ran: " + waiting);

    // Undrained and started again, the agent runs what waited.
    assertEquals(200, admin.send("DELETE", "/api/v1/machines/" + name + "/drain", null).status());
    startAgents(List.of(name), List.of("--drain-timeout", "60"));
    JsonNode waited = Demo.awaitEnd(admin, second, TIMEOUT);
    assertEquals("ok", waited.get("result").asText(), waited.toString());

    // An undrain before the running test ends: the agent stays and takes work again.
    String third =
        run(
            scenario(
                List.of(test("long", "sleep 10", null, Map.of())), name, 120_000, 120_000, null));
    awaitRunning(third);
    assertEquals(202, admin.post("/api/v1/machines/" + name + "/drain", null).status());
    String fourth =
        run(scenario(List.of(test("after", "true", null, Map.of())), name, 120_000, 120_000, null));
    Path log = stack.logFile("agent-" + name);
    awaitLog(log, "draining: no new work", 2); // the agent heard it (its first run logged one)
    CtaClient.Response undrain = admin.send("DELETE", "/api/v1/machines/" + name + "/drain", null);
    assertEquals(200, undrain.status());
    assertFalse(
        undrain.body().get("status").asText().equals("draining"), undrain.body().toString());
    awaitLog(log, "drain taken back", 1);
    JsonNode ran = Demo.awaitEnd(admin, third, TIMEOUT);
    assertEquals("ok", ran.get("result").asText(), ran.toString());
    JsonNode next = Demo.awaitEnd(admin, fourth, TIMEOUT);
    assertEquals("ok", next.get("result").asText(), next.toString());
    assertTrue(stack.process("agent-" + name).isAlive(), "an undrained agent stays");

    // SIGTERM drains too; past the drain timeout the test is stopped with its stop command.
    stack.stop("agent-" + name);
    startAgents(List.of(name), List.of("--drain-timeout", "2"));
    String fifth =
        runAndAwaitChild(
            scenario(List.of(longRunning("drain-stop")), name, 120_000, 120_000, null),
            name,
            "drain-stop");
    Process stopping = stack.process("agent-" + name);

    stopping.destroy(); // SIGTERM

    JsonNode stopped = Demo.awaitEnd(admin, fifth, TIMEOUT);
    assertEquals("error", stopped.get("state").asText(), stopped.toString());
    assertTrue(
        stopped.get("reason").asText().contains("drain timeout of 2 s passed"), stopped.toString());
    Path dir = stack.workDir(name).resolve("drain-stop");
    assertTrue(Files.exists(dir.resolve("stopped")), "the stop command ran");
    assertDead(dir.resolve("child.pid"));
    assertTrue(stopping.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the agent exited");
    assertEquals(143, stopping.exitValue(), "the JVM's exit status after a SIGTERM it handled");
    assertEquals("offline", admin.get("/api/v1/machines/" + name).body().get("status").asText());
  }

  @Test
  void givenTwoConsumers_whenAScheduleFiresRepeatedly_thenEachFireStartsExactlyOneExecution()
      throws Exception {
    int secondConsumerPort = FreePorts.take(1).get(0);
    stack.startConsumer("consumer-2", secondConsumerPort);
    try {
      String scenarioId =
          scenario(
              List.of(test("tick", "true", null, Map.of())),
              AGENT,
              60_000,
              60_000,
              Map.of("cron", "*/2 * * * * *", "overlap", "allow"));
      await(
          "four scheduled executions",
          () -> admin.get("/api/v1/executions?scenarioId=" + scenarioId),
          r -> r.body().get("total").asInt() >= 4);
      assertEquals(
          204,
          admin.send("DELETE", "/api/v1/scenarios/" + scenarioId + "/schedule", null).status());

      JsonNode page =
          admin.get("/api/v1/executions?size=500&sort=number,asc&scenarioId=" + scenarioId).body();
      List<Long> fireTimes = new ArrayList<>();
      int expectedNumber = 1;
      for (JsonNode execution : page.get("items")) {
        assertEquals(
            expectedNumber++,
            execution.get("number").asInt(),
            "no fire ran twice or burned a number");
        String id = execution.get("id").asText();
        assertTrue(id.startsWith("sch-" + scenarioId + "-"), id);
        fireTimes.add(Long.parseLong(id.substring(id.lastIndexOf('-') + 1)));
      }
      for (int i = 1; i < fireTimes.size(); i++) {
        assertEquals(
            2_000, fireTimes.get(i) - fireTimes.get(i - 1), "one execution per fire: " + fireTimes);
      }
      assertEquals(404, admin.get("/api/v1/scenarios/" + scenarioId + "/schedule").status());
    } finally {
      stack.stop("consumer-2");
    }
  }

  @Test
  void givenAWebhookAndAChain_whenTheScenarioEndsNotOk_thenTheSignedSummaryArrivesAndTheChainRuns()
      throws Exception {
    String secret = "e2e-" + System.nanoTime();
    List<byte[]> bodies = new CopyOnWriteArrayList<>();
    List<String> signatures = new CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          bodies.add(exchange.getRequestBody().readAllBytes());
          signatures.add(exchange.getRequestHeaders().getFirst("X-CTA-Signature"));
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    receiver.start();
    try {
      String cleanup = scenario(List.of(test("cleanup", "true", null, Map.of())));
      String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
      String scenarioId =
          scenario(
              List.of(test("fails", "exit 1", null, Map.of())),
              Map.of("runMode", "mono", "target", Map.of("machine", AGENT)),
              Map.of(
                  "notifications",
                  List.of(
                      Map.of("type", "webhook", "url", url, "secret", secret, "on", "not-ok"),
                      Map.of("type", "chain", "scenarioId", cleanup))));

      String id = run(scenarioId);
      assertEquals("failed", Demo.awaitEnd(admin, id, TIMEOUT).get("result").asText());
      String log = "/api/v1/executions/" + id + "/notifications";
      await(
          "both notifications to be delivered",
          () -> admin.get(log),
          r -> r.body().get("items").size() == 2);

      JsonNode deliveries = admin.get(log).body().get("items");
      assertEquals("delivered", deliveries.get(0).get("status").asText(), deliveries.toString());
      assertEquals("delivered", deliveries.get(1).get("status").asText(), deliveries.toString());
      assertEquals(1, bodies.size());
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      assertEquals(
          "sha256=" + HexFormat.of().formatHex(mac.doFinal(bodies.get(0))), signatures.get(0));
      JsonNode summary = new ObjectMapper().readTree(bodies.get(0)).get("execution");
      assertEquals("failed", summary.get("result").asText());
      assertEquals(
          stack.settings().apiUrl() + "/api/v1/executions/" + id, summary.get("link").asText());
      String chained = null;
      for (JsonNode delivery : deliveries) {
        if (delivery.get("type").asText().equals("chain")) {
          chained = delivery.get("chainedExecutionId").asText();
        }
      }
      JsonNode chainedExecution = Demo.awaitEnd(admin, chained, TIMEOUT);
      assertEquals(cleanup, chainedExecution.get("scenarioId").asText());
      assertEquals("ok", chainedExecution.get("result").asText());
      assertEquals("chain", chainedExecution.get("requestedBy").asText());
      assertFalse(admin.get("/api/v1/scenarios/" + scenarioId).body().toString().contains(secret));
    } finally {
      receiver.stop(0);
    }
  }

  @Test
  void givenAScheduleInThePastOrABadCron_whenSet_thenTheErrorNamesTheField() {
    String scenarioId = scenario(List.of(test("t", "true", null, Map.of())));
    String path = "/api/v1/scenarios/" + scenarioId + "/schedule";

    CtaClient.Response past = admin.send("PUT", path, Map.of("at", "2020-01-01T00:00:00Z"));
    CtaClient.Response badCron = admin.send("PUT", path, Map.of("cron", "61 * * * *"));
    CtaClient.Response good =
        admin.send("PUT", path, Map.of("cron", "0 9 * * 1-5", "timeZone", "Europe/Paris"));

    assertEquals(400, past.status());
    assertEquals("schedule.at: must be in the future", past.body().get("detail").asText());
    assertEquals(400, badCron.status());
    assertTrue(badCron.body().get("detail").asText().startsWith("schedule.cron: "));
    assertEquals(200, good.status(), String.valueOf(good.body()));
    assertEquals(5, good.body().get("nextFires").size());
    assertEquals("active", good.body().get("state").asText());
    assertEquals("paused", admin.post(path + "/pause", null).body().get("state").asText());
    assertEquals(0, admin.get(path).body().get("nextFires").size());
    assertEquals("active", admin.post(path + "/resume", null).body().get("state").asText());
  }

  @Test
  void givenAScenarioKeepingItsLastExecution_whenRunTwice_thenTheConsumerDeletesTheFirst()
      throws Exception {
    String scenarioId =
        scenario(
            List.of(test("says-hello", "echo hello", null, Map.of())),
            Map.of("runMode", "mono", "target", Map.of("machine", AGENT)),
            Map.of("retention", Map.of("lastExecutions", 1)));
    assertEquals(
        1,
        admin
            .get("/api/v1/scenarios/" + scenarioId)
            .expect(200)
            .body()
            .get("retention")
            .get("lastExecutions")
            .asInt());

    String first = run(scenarioId);
    assertEquals("finished", Demo.awaitEnd(admin, first, TIMEOUT).get("state").asText());
    String second = run(scenarioId);
    assertEquals("finished", Demo.awaitEnd(admin, second, TIMEOUT).get("state").asText());

    // The consumer's retention pass (every 2 s here, see the failsafe configuration) deletes it.
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (admin.get("/api/v1/executions/" + first).status() != 404) {
      assertTrue(System.nanoTime() < deadline, "execution " + first + " was never deleted");
      Thread.sleep(200);
    }
    assertEquals(404, admin.get("/api/v1/executions/" + first + "/results").status());
    JsonNode kept = admin.get("/api/v1/executions/" + second + "/results").expect(200).body();
    assertEquals("says-hello", kept.get("items").get(0).get("testId").asText());
  }

  @Test
  void givenAnOperatorInTheConsole_whenRunningAScenario_thenThePageShowsItFinishLive()
      throws Exception {
    String name = "console-run-" + Long.toHexString(System.nanoTime());
    namedScenario(name, List.of(test("console-greets", "echo console-says-hi", null, Map.of())));

    try (ConsoleBrowser browser = ConsoleBrowser.open(stack.settings().apiUrl())) {
      // A page URL opened directly shows the sign-in form, then that page.
      browser.signInAt("/scenarios", adminToken);
      assertEquals("/scenarios", browser.currentPath());
      assertFalse(browser.currentPath().contains(adminToken));
      assertEquals(adminToken, browser.sessionToken());
      browser.screenshot("scenarios");
      browser
          .await(d -> d.findElement(By.cssSelector("tr[data-scenario='" + name + "'] button")))
          .click();

      browser.await(d -> browser.currentPath().matches("/executions/[0-9a-f]+"));
      String id = browser.currentPath().substring("/executions/".length());
      browser.await(
          d ->
              d.findElement(By.cssSelector("[data-live]"))
                  .getAttribute("data-live")
                  .equals("live"));
      browser.await(
          d -> d.findElement(By.cssSelector("[data-testid=state]")).getText().equals("finished"));
      // Polling is off while the socket is live: the end arrived over /ws.
      assertEquals("live", browser.one(By.cssSelector("[data-live]")).getAttribute("data-live"));
      assertEquals("ok", browser.one(By.cssSelector("[data-testid=result]")).getText());
      assertEquals(
          "finished",
          admin.get("/api/v1/executions/" + id).expect(200).body().get("state").asText());
      browser.await(
          d ->
              d.findElement(By.cssSelector("[data-testid=log]"))
                  .getText()
                  .contains("console-says-hi"));
      browser.screenshot("execution");

      browser.go("/executions?state=finished");
      browser.await(d -> d.findElement(By.cssSelector("tr[data-execution='" + id + "']")));
      assertEquals(
          "finished",
          browser.one(By.id("filter-state")).getAttribute("value"),
          "filters from the URL");
      browser.screenshot("executions");
      browser.go("/machines");
      browser.await(d -> d.findElement(By.cssSelector("tr[data-machine='" + AGENT + "']")));
      browser.screenshot("machines");
    }
  }

  @Test
  void givenARunningTestInTheConsole_whenItPrints_thenTheLogTailShowsItAndTheWorkflowItsActivities()
      throws Exception {
    String line = "tailed-" + System.nanoTime();
    String scenarioId =
        scenario(List.of(test("console-tail", "echo " + line + "; sleep 8", null, Map.of())));
    String id = run(scenarioId);

    try (ConsoleBrowser browser = ConsoleBrowser.open(stack.settings().apiUrl())) {
      browser.signInAt("/executions/" + id, adminToken);
      browser.await(
          d -> d.findElement(By.cssSelector("[data-testid=log]")).getText().contains(line));
      assertEquals(
          "running",
          admin.get("/api/v1/executions/" + id).body().get("state").asText(),
          "the line appeared while its test ran");
      // Its end over REST first (a loaded machine may take a while), then on the page.
      assertEquals("finished", Demo.awaitEnd(admin, id, TIMEOUT).get("state").asText());
      browser.await(
          d -> d.findElement(By.cssSelector("[data-testid=state]")).getText().equals("finished"));

      browser.await(d -> d.findElement(By.xpath("//button[normalize-space()='Workflow']"))).click();
      browser.await(
          d -> d.findElement(By.cssSelector("tr[data-event-type=ActivityTaskCompleted]")));
      String events = browser.one(By.cssSelector("[data-testid=workflow]")).getText();
      assertTrue(events.contains("WorkflowExecutionStarted"), events);
      assertTrue(events.contains("ActivityTaskScheduled"), events);
      assertTrue(events.contains("activityType="), events);
      browser.screenshot("workflow");
    }
  }

  @Test
  void givenAViewerInTheConsole_whenOpeningScenarios_thenNoRunButtonAndTheApiRefusesARun()
      throws Exception {
    String name = "console-view-" + Long.toHexString(System.nanoTime());
    String scenarioId = namedScenario(name, List.of(test("t", "true", null, Map.of())));
    String viewer =
        admin
            .post("/api/v1/tokens", Map.of("name", "console viewer", "role", "viewer"))
            .expect(201)
            .body()
            .get("token")
            .asText();

    try (ConsoleBrowser browser = ConsoleBrowser.open(stack.settings().apiUrl())) {
      browser.signInAt("/scenarios", viewer);

      browser.await(d -> d.findElement(By.cssSelector("tr[data-scenario='" + name + "']")));
      assertEquals(
          "console viewer (viewer)", browser.one(By.cssSelector("[data-testid=who]")).getText());
      assertEquals(List.of(), browser.all(By.xpath("//button[normalize-space()='Run now']")));
      assertEquals(List.of(), browser.all(By.xpath("//button[normalize-space()='Drain']")));
    }
    // The api enforces the role whatever a page shows.
    assertEquals(
        403,
        new CtaClient(stack.settings().apiUrl(), viewer)
            .post("/api/v1/scenarios/" + scenarioId + "/run", null)
            .status());
  }

  @Test
  void givenAnAdminInTheConsole_whenSavingABadScenarioAndCreatingAToken_thenFieldErrorAndValueOnce()
      throws Exception {
    String name = "console-edit-" + Long.toHexString(System.nanoTime());
    String scenarioId = namedScenario(name, List.of(test("t", "true", null, Map.of())));
    String tokenName = "console-made-" + Long.toHexString(System.nanoTime());

    try (ConsoleBrowser browser = ConsoleBrowser.open(stack.settings().apiUrl())) {
      // The scenario's own URL, opened directly; typed with the keyboard, saved, refused at the
      // field.
      browser.signInAt("/scenarios/" + scenarioId, adminToken);
      WebElement retries = browser.await(d -> d.findElement(By.id("sc-retries")));
      browser.await(d -> "0".equals(retries.getAttribute("value")));
      retries.sendKeys(Keys.chord(Keys.CONTROL, "a"), "11");
      browser.one(By.xpath("//button[normalize-space()='Save']")).click();
      WebElement error =
          browser.await(d -> d.findElement(By.cssSelector("[data-error-for='retries']")));
      assertEquals("must be less than or equal to 10", error.getText());
      assertEquals("true", retries.getAttribute("aria-invalid"));
      assertEquals(
          0,
          admin.get("/api/v1/scenarios/" + scenarioId).expect(200).body().get("retries").asInt());
      browser.screenshot("scenario-edit");

      retries.sendKeys(Keys.chord(Keys.CONTROL, "a"), "2", Keys.ENTER); // Enter submits the form
      browser.await(d -> d.findElement(By.xpath("//*[@role='status' and text()='Saved.']")));
      assertEquals(
          2,
          admin.get("/api/v1/scenarios/" + scenarioId).expect(200).body().get("retries").asInt());
      assertEquals(List.of(), browser.all(By.cssSelector("[data-error-for='retries']")));

      // An admin creates a token: its value shows once, works, and is gone after navigating.
      browser.one(By.xpath("//nav//a[normalize-space()='Tokens']")).click();
      browser.await(d -> d.findElement(By.id("token-name"))).sendKeys(tokenName);
      new Select(browser.one(By.id("token-role"))).selectByValue("operator");
      browser.one(By.xpath("//button[normalize-space()='Create token']")).click();
      String value =
          browser
              .await(d -> d.findElement(By.cssSelector("[data-testid=new-token]")))
              .getAttribute("value");
      JsonNode me =
          new CtaClient(stack.settings().apiUrl(), value).get("/api/v1/me").expect(200).body();
      assertEquals(tokenName, me.get("name").asText());
      assertEquals("operator", me.get("role").asText());
      browser.screenshot("token-created");

      browser.one(By.xpath("//nav//a[normalize-space()='Audit log']")).click();
      browser.await(d -> d.findElement(By.cssSelector("table[aria-label='Audit log'] tbody tr")));
      browser.one(By.xpath("//nav//a[normalize-space()='Tokens']")).click();
      browser.await(d -> d.findElement(By.cssSelector("tr[data-token='" + tokenName + "']")));
      assertEquals(List.of(), browser.all(By.cssSelector("[data-testid=new-token]")));
      assertFalse(
          String.valueOf(
                  browser.script(
                      "return document.documentElement.outerHTML + JSON.stringify(sessionStorage)"
                          + " + JSON.stringify(localStorage) + location.href"))
              .contains(value),
          "the token value is kept nowhere once the page is left");
    }
  }

  @Test
  void givenScriptAndOnerrorPayloadsInALogAndAMessage_whenShownInTheConsole_thenTheyStayText()
      throws Exception {
    String payload = "<script>window.__ctaXss=1</script><img src=x onerror=\"window.__ctaXss=2\">";
    String name = "console-xss-" + Long.toHexString(System.nanoTime());
    String scenarioId =
        namedScenario(
            name,
            List.of(
                test(
                    "xss",
                    "printf '%s\\n' '"
                        + payload
                        + "'; printf '%s\\n' '"
                        + payload
                        + "' >&2; exit 1",
                    null,
                    Map.of())));
    String id = run(scenarioId);
    Demo.awaitEnd(admin, id, TIMEOUT);
    JsonNode result =
        admin.get("/api/v1/executions/" + id + "/results").expect(200).body().get("items").get(0);
    assertTrue(result.get("message").asText().contains(payload), result.toString());

    try (ConsoleBrowser browser = ConsoleBrowser.open(stack.settings().apiUrl())) {
      browser.signInAt("/executions/" + id + "?result=" + result.get("id").asText(), adminToken);

      String message =
          browser.await(d -> d.findElement(By.cssSelector("[data-testid=message]"))).getText();
      String log = browser.await(d -> d.findElement(By.cssSelector("[data-testid=log]"))).getText();
      assertTrue(message.contains(payload), message);
      assertTrue(log.contains(payload), log);
      assertEquals(
          0L,
          browser.script(
              "return document.querySelectorAll('main script, main img, [onerror]').length"));
      assertEquals(
          null, browser.script("return window.__ctaXss === undefined ? null : window.__ctaXss"));
    }
  }

  @Test
  void givenAFailedResultWithAScreenshot_whenOpenedInTheConsole_thenTheImageShowsInline()
      throws Exception {
    // A valid 1x1 PNG, so the browser can decode what the console fetched with the token.
    String script =
        """
        echo iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg== \
          | base64 -d > shot.png
        curl -sS -f -H 'Content-Type: application/json' -d '{"status": "failed",\
         "message": "login button missing", "screenshots": ["shot.png"]}' "$CTA_RESULTS_URL"
        """;
    String id =
        run(
            namedScenario(
                "console-shot-" + Long.toHexString(System.nanoTime()),
                List.of(test("shooting-console", script, null, Map.of()))));
    Demo.awaitEnd(admin, id, TIMEOUT);
    String resultId = null;
    for (JsonNode r :
        admin.get("/api/v1/executions/" + id + "/results").expect(200).body().get("items")) {
      if (r.get("screenshots").size() > 0) {
        resultId = r.get("id").asText();
      }
    }
    assertTrue(resultId != null, "a result with the screenshot");

    try (ConsoleBrowser browser = ConsoleBrowser.open(stack.settings().apiUrl())) {
      browser.signInAt("/executions/" + id + "?failed=1&result=" + resultId, adminToken);

      browser.await(
          d ->
              (Boolean)
                  browser.script(
                      "const i = document.querySelector('img[alt=\"Screenshot shot.png\"]');"
                          + " return i !== null && i.complete && i.naturalWidth === 1"
                          + " && i.src.startsWith('blob:');"));
      assertEquals(
          "login button missing", browser.one(By.cssSelector("[data-testid=message]")).getText());
      browser.screenshot("result");
    }
  }

  /** As {@link #scenario(List)}, with a name of its own so a page can find it. */
  private static String namedScenario(String name, List<Map<String, Object>> tests) {
    String suiteId = created("/api/v1/suites", Map.of("name", name, "tests", tests));
    String configurationId =
        created(
            "/api/v1/configurations",
            Map.of("name", name, "runMode", "mono", "target", Map.of("machine", AGENT)));
    return created(
        "/api/v1/scenarios",
        Map.of(
            "name",
            name,
            "testSuiteId",
            suiteId,
            "configurationId",
            configurationId,
            "pendingTimeout",
            60_000,
            "runningTimeout",
            120_000));
  }

  // The cta CLI (docs/cli.md), run from its script as a subprocess, as a CI job runs it.

  private static CliProcess.Result cta(String... args) throws Exception {
    return CliProcess.run(
        stack.settings().home(), stack.settings().apiUrl(), adminToken, TIMEOUT, args);
  }

  /** A scenario of these tests on the agent's machine, under a name no other test uses. */
  private static String cliScenario(String name, List<Map<String, Object>> tests) {
    return namedScenario(name, tests);
  }

  @Test
  void givenAPassingScenario_whenTheCliRunsItByNameAndWaits_thenItExits0WithItsJunitAndPlainLines()
      throws Exception {
    String name = "cli-pass-" + java.util.UUID.randomUUID();
    cliScenario(
        name,
        List.of(
            test("first", "echo one", null, Map.of()), test("second", "echo two", null, Map.of())));
    Path junit = Files.createTempDirectory("cta-cli-junit").resolve("reports/junit.xml");

    CliProcess.Result r = cta("run", name, "--wait", "--junit", junit.toString());

    assertEquals(0, r.code(), r.toString());
    // No terminal: one plain line per change, never a redrawn line, never the same line twice;
    // and no "live updates unavailable" line: it followed over the WebSocket API.
    java.util.regex.Pattern line =
        java.util.regex.Pattern.compile(
            "execution ([0-9a-f]{24}) #\\d+ (pending|running|finished)"
                + " ok=[0-2] failed=0 partial=0 inconclusive=0( done=[0-2]/2)?"
                + "( running: (first|second)@e2e-agent(, (first|second)@e2e-agent)?)?( result=ok)?");
    String id = null;
    String previous = null;
    for (String l : r.err()) {
      java.util.regex.Matcher m = line.matcher(l);
      assertTrue(m.matches(), "unexpected line '" + l + "' in\n" + r);
      id = id == null ? m.group(1) : id;
      assertEquals(id, m.group(1), r.toString());
      assertFalse(l.equals(previous), "a line repeated: " + r);
      previous = l;
    }
    assertTrue(
        previous != null
            && previous.endsWith(" finished ok=2 failed=0 partial=0 inconclusive=0 result=ok"),
        r.toString());
    assertEquals(2, r.out().size(), r.toString());
    assertTrue(
        r.out().get(0).matches("ID +# +SCENARIO +STATE +RESULT +OK +FAILED .*"), r.toString());
    assertTrue(r.out().get(1).startsWith(id + "  "), r.toString());
    assertTrue(r.out().get(1).contains(" finished "), r.toString());
    Document report =
        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile());
    org.w3c.dom.NodeList cases = report.getElementsByTagName("testcase");
    Set<String> names = new HashSet<>();
    for (int i = 0; i < cases.getLength(); i++) {
      names.add(((Element) cases.item(i)).getAttribute("name"));
    }
    assertEquals(Set.of("first", "second"), names);
    assertEquals(0, report.getElementsByTagName("failure").getLength());
    assertEquals("finished", admin.get("/api/v1/executions/" + id).body().get("state").asText());
  }

  @Test
  void givenAFailingScenario_whenTheCliRunsItAndWaits_thenItExits1AndPrintsItAsJson()
      throws Exception {
    String scenarioId =
        cliScenario(
            "cli-fail-" + java.util.UUID.randomUUID(),
            List.of(test("breaks", "echo broken >&2; exit 3", null, Map.of())));

    CliProcess.Result r = cta("run", scenarioId, "--wait", "-o", "json", "--progress", "none");

    assertEquals(1, r.code(), r.toString());
    assertEquals(List.of(), r.err());
    JsonNode printed = new ObjectMapper().readTree(r.outText());
    assertEquals("failed", printed.get("result").asText(), r.toString());
    assertEquals(1, printed.get("counters").get("failed").asInt());
  }

  @Test
  void givenJunitFromACiJob_whenTheCliReportsIt_thenEveryCaseIsStoredInAFinishedImportedExecution()
      throws Exception {
    String name = "cli-import-" + java.util.UUID.randomUUID();
    String scenarioId = cliScenario(name, List.of(test("ci-suite", "true", null, Map.of())));
    Path dir = Files.createTempDirectory("cta-cli-import");
    // The same case name twice in one file and again in the other, as parameterized and
    // re-run tests write them; and one failure.
    Path first =
        Files.writeString(
            dir.resolve("TEST-shop.xml"),
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuite name="shop" tests="3">
              <testcase classname="shop.Cart" name="adds" time="0.5"/>
              <testcase classname="shop.Cart" name="adds" time="0.25"/>
              <testcase classname="shop.Cart" name="pays" time="1.0">
                <failure message="expected 3 but was 2">at shop.Cart.pays</failure>
              </testcase>
            </testsuite>
            """);
    Path second =
        Files.writeString(
            dir.resolve("TEST-more.xml"),
            "<testsuites><testsuite><testcase classname=\"shop.Cart\" name=\"adds\"/>"
                + "</testsuite></testsuites>");

    CliProcess.Result r =
        cta(
            "report",
            "junit",
            first.toString(),
            second.toString(),
            "--scenario",
            name,
            "--machine",
            "ci-runner-7",
            "-o",
            "json");

    assertEquals(1, r.code(), r.toString());
    JsonNode printed = new ObjectMapper().readTree(r.outText());
    String id = printed.get("id").asText();
    JsonNode execution = admin.get("/api/v1/executions/" + id).expect(200).body();
    assertEquals("finished", execution.get("state").asText(), execution.toString());
    assertEquals("import", execution.get("source").asText(), execution.toString());
    assertEquals("failed", execution.get("result").asText());
    assertEquals(3, execution.get("counters").get("ok").asInt(), execution.toString());
    assertEquals(1, execution.get("counters").get("failed").asInt(), execution.toString());
    JsonNode results = admin.get("/api/v1/executions/" + id + "/results").expect(200).body();
    Set<String> cases = new HashSet<>();
    for (JsonNode result : results.get("items")) {
      cases.add(result.get("case").asText());
      assertEquals("ci-runner-7", result.get("machine").asText(), result.toString());
    }
    assertEquals(
        Set.of("shop.Cart.adds", "shop.Cart.adds #2", "shop.Cart.adds #3", "shop.Cart.pays"),
        cases,
        results.toString());
    String suiteId =
        admin.get("/api/v1/scenarios/" + scenarioId).body().get("testSuiteId").asText();
    JsonNode history =
        admin.get("/api/v1/suites/" + suiteId + "/tests/ci-suite/history").expect(200).body();
    assertEquals(id, history.get("runs").get(0).get("executionId").asText(), history.toString());
    assertTrue(execution.get("workflowId").isNull(), execution.toString());
  }

  @Test
  void givenAWaitingCli_whenItsExecutionIsCanceled_thenItExits5() throws Exception {
    String scenarioId =
        cliScenario(
            "cli-cancel-" + java.util.UUID.randomUUID(),
            List.of(test("waits", "echo started; sleep 60", null, Map.of())));
    CliProcess waiting =
        CliProcess.start(
            stack.settings().home(),
            stack.settings().apiUrl(),
            adminToken,
            "run",
            scenarioId,
            "--wait",
            "-o",
            "jsonl");
    JsonNode[] running = new JsonNode[1];
    await(
        "the execution to run",
        () -> admin.get("/api/v1/executions?scenarioId=" + scenarioId),
        page -> {
          JsonNode items = page.body().get("items");
          running[0] = items.size() == 1 ? items.get(0) : null;
          return running[0] != null && running[0].get("state").asText().equals("running");
        });

    CliProcess.Result cancel =
        cta("executions", "cancel", running[0].get("id").asText(), "--reason", "from the cli");
    CliProcess.Result r = waiting.await(TIMEOUT);

    assertEquals(0, cancel.code(), cancel.toString());
    assertEquals(5, r.code(), r.toString());
    JsonNode printed = new ObjectMapper().readTree(r.outText());
    assertEquals("canceled", printed.get("state").asText(), r.toString());
    assertTrue(printed.get("reason").asText().contains("from the cli"), r.toString());
  }

  @Test
  void givenABadTokenOrNoServer_whenTheCliRuns_thenItExits4Or6WithAReadableMessage()
      throws Exception {
    CliProcess.Result badToken =
        CliProcess.run(
            stack.settings().home(),
            stack.settings().apiUrl(),
            "cta_wrong_token_value",
            TIMEOUT,
            "executions",
            "list");
    CliProcess.Result unreachable =
        CliProcess.run(
            stack.settings().home(),
            "http://127.0.0.1:" + FreePorts.take(1).get(0),
            adminToken,
            TIMEOUT,
            "run",
            "anything",
            "--wait");

    assertEquals(4, badToken.code(), badToken.toString());
    assertTrue(
        badToken
            .errText()
            .startsWith(
                "cta: GET /api/v1/executions: 401 authentication failed: the server refused the"
                    + " token"),
        badToken.toString());
    assertFalse(badToken.errText().contains("cta_wrong_token_value"), badToken.toString());
    assertEquals(6, unreachable.code(), unreachable.toString());
    assertTrue(
        unreachable.errText().startsWith("cta: cannot reach the api at http://127.0.0.1:"),
        unreachable.toString());
  }

  @Test
  void givenATestThatPrintsThenWaits_whenFollowedWithTheCli_thenTheLineShowsWhileItStillRuns()
      throws Exception {
    Path gate = Files.createTempDirectory("cta-cli-gate").resolve("open");
    String scenarioId =
        cliScenario(
            "cli-logs-" + java.util.UUID.randomUUID(),
            List.of(
                test(
                    "talks",
                    "echo cli-follow-line; while [ ! -f '" + gate + "' ]; do sleep 0.1; done",
                    null,
                    Map.of())));
    String id = run(scenarioId);
    CliProcess follow =
        CliProcess.start(
            stack.settings().home(), stack.settings().apiUrl(), adminToken, "logs", id, "-f");

    awaitTrue(
        "the followed line",
        () -> {
          try {
            return follow.outSoFar().contains("cli-follow-line");
          } catch (IOException e) {
            return false;
          }
        });
    assertEquals("running", admin.get("/api/v1/executions/" + id).body().get("state").asText());
    Files.writeString(gate, "");
    CliProcess.Result r = follow.await(TIMEOUT);

    assertEquals(0, r.code(), r.toString());
    assertEquals(List.of("cli-follow-line"), r.out(), r.toString());
    assertEquals("finished", admin.get("/api/v1/executions/" + id).body().get("state").asText());
  }

  @Test
  void givenDefinitionsAsYaml_whenAppliedTwice_thenTheSecondChangesNothingAndGetRoundTrips()
      throws Exception {
    String tag = "cli-apply-" + java.util.UUID.randomUUID();
    Path dir = Files.createTempDirectory("cta-cli-apply");
    Files.writeString(
        dir.resolve("definitions.yaml"),
        """
        kind: Suite
        name: %1$s
        tests:
          - id: hello
            stages:
              - name: run
                run: echo hello
                timeout: 60000
        ---
        kind: Configuration
        name: %1$s
        runMode: mono
        target:
          machine: %2$s
        ---
        kind: Scenario
        name: %1$s
        suite: %1$s
        configuration: %1$s
        pendingTimeout: 60000
        runningTimeout: 120000
        retries: 1
        """
            .formatted(tag, AGENT));

    CliProcess.Result first = cta("apply", "-f", dir.toString());
    CliProcess.Result second = cta("apply", "-f", dir.toString());
    CliProcess.Result got = cta("get", "scenario", tag);

    assertEquals(0, first.code(), first.toString());
    assertEquals(
        3, first.out().stream().filter(l -> l.contains(": created (")).count(), first.toString());
    assertEquals(0, second.code(), second.toString());
    assertEquals(
        List.of(
            "suite '" + tag + "': unchanged",
            "configuration '" + tag + "': unchanged",
            "scenario '" + tag + "': unchanged"),
        second.out(),
        second.toString());
    assertEquals(0, got.code(), got.toString());
    assertTrue(
        got.out().contains("kind: \"Scenario\"") || got.out().contains("kind: Scenario"),
        got.toString());
    assertTrue(
        got.outText().contains("suite: \"" + tag + "\"") || got.outText().contains("suite: " + tag),
        got.toString());
    assertFalse(got.outText().contains("testSuiteId"), got.toString());
    // What get writes applies unchanged.
    Path exported = dir.resolve("exported.yaml");
    Files.writeString(exported, got.outText());
    CliProcess.Result again = cta("apply", "-f", exported.toString());
    assertEquals(List.of("scenario '" + tag + "': unchanged"), again.out(), again.toString());

    // A dry run shows the change and makes none.
    Files.writeString(exported, got.outText().replace("retries: 1", "retries: 2"));
    CliProcess.Result dry = cta("apply", "-f", exported.toString(), "--dry-run");
    assertEquals(0, dry.code(), dry.toString());
    assertEquals(
        List.of("scenario '" + tag + "': would be updated", "  retries: 1 → 2"),
        dry.out().stream().map(l -> l.replaceAll(" \\(.*\\)$", "")).toList(),
        dry.toString());
    assertEquals(
        1,
        admin
            .get("/api/v1/scenarios?name=" + tag)
            .body()
            .get("items")
            .get(0)
            .get("retries")
            .asInt());

    // A name two scenarios hold is refused, and nothing is written.
    created(
        "/api/v1/scenarios",
        Map.of(
            "name", tag,
            "testSuiteId",
                admin
                    .get("/api/v1/suites?name=" + tag)
                    .body()
                    .get("items")
                    .get(0)
                    .get("id")
                    .asText(),
            "configurationId",
                admin
                    .get("/api/v1/configurations?name=" + tag)
                    .body()
                    .get("items")
                    .get(0)
                    .get("id")
                    .asText()));
    CliProcess.Result ambiguous = cta("apply", "-f", exported.toString());
    assertEquals(2, ambiguous.code(), ambiguous.toString());
    assertTrue(
        ambiguous.errText().contains("2 scenarios are named '" + tag + "'"), ambiguous.toString());
  }

  private static String scenario(List<Map<String, Object>> tests) {
    return scenario(tests, AGENT, 60_000, 120_000, null);
  }

  private static String scenario(
      List<Map<String, Object>> tests,
      String machine,
      long pendingTimeout,
      long runningTimeout,
      Map<String, Object> schedule) {
    Map<String, Object> fields = new java.util.HashMap<>();
    fields.put("pendingTimeout", pendingTimeout);
    fields.put("runningTimeout", runningTimeout);
    if (schedule != null) {
      fields.put("schedule", schedule);
    }
    return scenario(tests, Map.of("runMode", "mono", "target", Map.of("machine", machine)), fields);
  }

  /** Creates a suite of these tests, a configuration and a scenario with these extra fields. */
  private static String scenario(
      List<Map<String, Object>> tests,
      Map<String, Object> configuration,
      Map<String, Object> scenarioFields) {
    String suiteId = created("/api/v1/suites", Map.of("name", "e2e", "tests", tests));
    Map<String, Object> config = new java.util.HashMap<>(configuration);
    config.put("name", "e2e");
    Map<String, Object> scenario = new java.util.HashMap<>(scenarioFields);
    scenario.put("name", "e2e");
    scenario.put("testSuiteId", suiteId);
    scenario.put("configurationId", created("/api/v1/configurations", config));
    return created("/api/v1/scenarios", scenario);
  }

  /** Runs the scenario and answers the new execution's id. */
  private static String run(String scenarioId) {
    return run(scenarioId, null);
  }

  private static String run(String scenarioId, Map<String, Object> body) {
    return admin
        .post("/api/v1/scenarios/" + scenarioId + "/run", body)
        .expect(201)
        .body()
        .get("id")
        .asText();
  }

  private static void awaitRunning(String id) throws InterruptedException {
    await(
        "the execution to run",
        () -> admin.get("/api/v1/executions/" + id),
        r -> r.body().get("state").asText().equals("running"));
  }

  private static String created(String path, Map<String, Object> body) {
    return admin.post(path, body).expect(201).body().get("id").asText();
  }

  private static Map<String, Object> test(
      String id, String run, String cwd, Map<String, String> env) {
    Map<String, Object> stage =
        new java.util.HashMap<>(Map.of("name", "run", "run", run, "env", env, "timeout", 60_000));
    if (cwd != null) {
      stage.put("cwd", cwd);
    }
    return Map.of("id", id, "stages", List.of(stage));
  }

  private static JsonNode find(JsonNode page, String testId) {
    for (JsonNode item : page.get("items")) {
      if (item.get("testId").asText().equals(testId)) {
        return item;
      }
    }
    throw new AssertionError("no result for " + testId + " in " + page);
  }

  /** Waits until the process log holds the text at least {@code times} times. */
  private static void awaitLog(Path log, String text, int times) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (Files.readString(log).split(java.util.regex.Pattern.quote(text), -1).length - 1
        < times) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + times + " x '" + text + "' in " + log);
      }
      Thread.sleep(100);
    }
  }

  /** Polls until the condition holds; fails with the last answer after the timeout. */
  private static void await(
      String what,
      java.util.function.Supplier<CtaClient.Response> call,
      Predicate<CtaClient.Response> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    CtaClient.Response last = null;
    while (System.nanoTime() < deadline) {
      last = call.get();
      if (last.status() == 200 && done.test(last)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "timed out waiting for " + what + "; last answer: " + (last == null ? null : last.body()));
  }

  private static void awaitTrue(String what, java.util.function.BooleanSupplier done)
      throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  private static String log(String process) {
    try {
      return Files.readString(stack.logFile(process));
    } catch (IOException e) {
      return "";
    }
  }
}
