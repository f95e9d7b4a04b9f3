package io.cta.consumer.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.bwaldvogel.mongo.MongoServer;
import io.cta.activities.ExecutionState;
import io.cta.consumer.Fixtures;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.FileStore;
import io.cta.server.execution.MachineRunState;
import io.cta.server.security.Role;
import io.cta.server.security.TokenStore;
import io.temporal.testserver.TestServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code POST /agent/v1/files} on a started consumer (embedded MongoDB, Temporal test server): the
 * size limits, file names that cannot escape, and re-uploads that store nothing twice.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class AgentFileControllerTest {

  private static final MongoServer mongo = Fixtures.mongoServer();
  private static final int temporalPort = Fixtures.freePort();
  private static final TestServer.PortBoundTestServer temporal =
      TestServer.createPortBoundServer(temporalPort);

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("spring.mongodb.uri", () -> Fixtures.mongoUri(mongo, "cta-files"));
    registry.add("cta.temporal.target", () -> "127.0.0.1:" + temporalPort);
    registry.add("cta.consumer.reconcile-interval", () -> "1d");
    registry.add("cta.consumer.reconcile-grace", () -> "1d");
    registry.add("cta.consumer.files.max-file-size", () -> "1MB");
    registry.add("cta.consumer.files.max-test-size", () -> "3MB");
    registry.add("cta.consumer.files.max-machine-size", () -> "5MB");
    registry.add("cta.consumer.files.max-execution-size", () -> "7MB");
  }

  @AfterAll
  static void stopServers() {
    temporal.close();
    mongo.shutdownNow();
  }

  @LocalServerPort int port;
  @Autowired TokenStore tokens;
  @Autowired ExecutionStore executions;
  @Autowired FileStore files;
  @Autowired ReactiveMongoTemplate documents;

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private String agent;
  private String machine = Fixtures.MACHINE;
  private String executionId;

  @BeforeEach
  void setUp() {
    agent = tokens.create("agent", Role.agent, Fixtures.MACHINE).block().secret();
    executionId =
        Fixtures.insert(
                executions, Fixtures.execution(ExecutionState.running, Instant.now(), 600_000))
            .id();
  }

  private HttpResponse<String> upload(String testId, String name, String key, byte[] content)
      throws Exception {
    return upload(testId, name, key, HttpRequest.BodyPublishers.ofByteArray(content));
  }

  private HttpResponse<String> upload(
      String testId, String name, String key, HttpRequest.BodyPublisher body) throws Exception {
    String query =
        "machine="
            + machine
            + "&executionId="
            + executionId
            + "&testId="
            + testId
            + "&attempt=1&kind=screenshot&name="
            + URLEncoder.encode(name, StandardCharsets.UTF_8)
            + "&key="
            + URLEncoder.encode(key, StandardCharsets.UTF_8);
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/agent/v1/files?" + query))
            .header("Authorization", "Bearer " + agent)
            .header("Content-Type", "image/png")
            .POST(body)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private long count(String collection) {
    return documents.count(new Query(), collection).block();
  }

  private byte[] stored(String id) {
    return DataBufferUtils.join(files.download(id).block().content())
        .map(
            buffer -> {
              byte[] bytes = new byte[buffer.readableByteCount()];
              buffer.read(bytes);
              DataBufferUtils.release(buffer);
              return bytes;
            })
        .block();
  }

  @Test
  void givenAFile_whenUploadedTwiceWithOneKey_thenItIsStoredOnceAndBothAnswersNameIt()
      throws Exception {
    byte[] content = new byte[700_000];
    new Random(1).nextBytes(content);
    long filesBefore = count("fs.files");

    HttpResponse<String> first = upload("t1", "shots/login.png", "k-login", content);
    HttpResponse<String> again = upload("t1", "shots/login.png", "k-login", content);

    assertEquals(201, first.statusCode(), first.body());
    assertEquals(200, again.statusCode(), again.body());
    JsonNode file = json.readTree(first.body());
    assertEquals(json.readTree(first.body()), json.readTree(again.body()));
    assertEquals("login.png", file.get("name").asText());
    assertEquals(content.length, file.get("size").asLong());
    assertEquals(filesBefore + 1, count("fs.files"));
    assertArrayEquals(content, stored(file.get("id").asText()));
  }

  @Test
  void givenNamesThatTryToEscape_whenUploaded_thenOnlyASafeLastSegmentIsStored() throws Exception {
    String[][] cases = {
      {"../../etc/passwd", "passwd"},
      {"/etc/shadow", "shadow"},
      {"C:\\Windows\\system32\\drivers.sys", "drivers.sys"},
      {"evil\u0000.png\u0007", "evil.png"},
      {"..", "file"},
      {"..\\..\\.bashrc", "bashrc"},
      {"x".repeat(400) + ".png", "x".repeat(196) + ".png"},
    };
    for (int i = 0; i < cases.length; i++) {
      HttpResponse<String> response = upload("t2", cases[i][0], "name-" + i, new byte[] {1, 2});
      assertEquals(201, response.statusCode(), response.body());
      String id = json.readTree(response.body()).get("id").asText();
      assertEquals(cases[i][1], json.readTree(response.body()).get("name").asText(), cases[i][0]);
      Document stored =
          documents.findById(new org.bson.types.ObjectId(id), Document.class, "fs.files").block();
      assertEquals(cases[i][1], stored.getString("filename"));
      assertTrue(org.bson.types.ObjectId.isValid(id), id);
    }
  }

  @Test
  void givenFilesOverTheLimits_whenUploaded_thenTheyAreRefusedWith413AndNothingIsKept()
      throws Exception {
    long chunksBefore = count("fs.chunks");
    long filesBefore = count("fs.files");

    HttpResponse<String> tooBig = upload("t3", "big.bin", "big", new byte[1024 * 1024 + 1]);

    assertEquals(413, tooBig.statusCode(), tooBig.body());
    assertTrue(tooBig.headers().firstValue("Content-Type").orElse("").contains("problem+json"));
    assertEquals(
        "file 'big.bin': larger than the limit of 1 MB per file (1048577 bytes or more)",
        json.readTree(tooBig.body()).get("detail").asText());
    assertEquals(filesBefore, count("fs.files"));
    assertEquals(chunksBefore, count("fs.chunks"));

    // Without a Content-Length (chunked), the body is refused once it passes the limit.
    HttpResponse<String> streamed =
        upload(
            "t3",
            "streamed.bin",
            "streamed",
            HttpRequest.BodyPublishers.ofInputStream(
                () -> new java.io.ByteArrayInputStream(new byte[3 * 1024 * 1024])));
    assertEquals(413, streamed.statusCode(), streamed.body());
    assertEquals(filesBefore, count("fs.files"));
    assertEquals(chunksBefore, count("fs.chunks"), "no chunk of the refused stream is kept");

    // Three files of 1 MB fill the test's 3 MB; a fourth does not fit.
    for (int i = 0; i < 3; i++) {
      assertEquals(201, upload("t3", "part" + i, "part" + i, new byte[1024 * 1024]).statusCode());
    }
    HttpResponse<String> over = upload("t3", "part3", "part3", new byte[10]);
    assertEquals(413, over.statusCode(), over.body());
    assertTrue(
        json.readTree(over.body()).get("detail").asText().contains("of files per test"),
        over.body());
    assertEquals(201, upload("t4", "other-test", "other", new byte[10]).statusCode());
  }

  @Test
  void givenAnExecutionTheMachineTakesNoPartIn_whenUploading_thenA403SaysSo() throws Exception {
    executionId =
        Fixtures.insert(
                executions,
                Fixtures.execution(
                    ExecutionState.running,
                    Instant.now(),
                    600_000,
                    io.cta.activities.RunMode.mono,
                    new io.cta.server.definition.MachineTarget("lab-99"),
                    false))
            .id();
    long filesBefore = count("fs.files");

    HttpResponse<String> refused = upload("t1", "a.png", "elsewhere", new byte[] {1, 2, 3});

    assertEquals(403, refused.statusCode(), refused.body());
    assertEquals(
        "machine '" + Fixtures.MACHINE + "' takes no part in execution '" + executionId + "'",
        json.readTree(refused.body()).get("detail").asText());
    assertEquals(filesBefore, count("fs.files"));
  }

  @Test
  void givenAnEndedExecution_whenUploading_thenA403SaysItEndedButAStoredKeyStillAnswers()
      throws Exception {
    HttpResponse<String> before = upload("t1", "a.png", "before-end", new byte[] {1});
    assertEquals(201, before.statusCode(), before.body());
    documents
        .updateFirst(
            Query.query(
                org.springframework.data.mongodb.core.query.Criteria.where("_id").is(executionId)),
            new org.springframework.data.mongodb.core.query.Update()
                .set("state", ExecutionState.finished),
            "executions")
        .block();
    long filesBefore = count("fs.files");

    HttpResponse<String> late = upload("t1", "b.png", "after-end", new byte[] {1});
    HttpResponse<String> again = upload("t1", "a.png", "before-end", new byte[] {1});

    assertEquals(403, late.statusCode(), late.body());
    assertEquals(
        "execution '" + executionId + "' has ended (finished): it takes no more files",
        json.readTree(late.body()).get("detail").asText());
    assertEquals(filesBefore, count("fs.files"));
    assertEquals(200, again.statusCode(), "a re-upload after a lost answer gets its file");
  }

  @Test
  void givenTheMachineAndExecutionQuotas_whenFilled_thenFurtherUploadsAreRefusedWith413()
      throws Exception {
    // 5 tests of 1 MB fill this machine's 5 MB in the execution.
    for (int i = 0; i < 5; i++) {
      assertEquals(
          201, upload("q" + i, "part", "machine-" + i, new byte[1024 * 1024]).statusCode());
    }
    HttpResponse<String> machineFull = upload("q9", "more", "machine-more", new byte[10]);
    assertEquals(413, machineFull.statusCode(), machineFull.body());
    assertEquals(
        "file 'more': machine 'lab-01' reached its limit of 5 MB of files in execution '"
            + executionId
            + "'",
        json.readTree(machineFull.body()).get("detail").asText());

    // Another machine of a group execution fills the execution's 7 MB.
    String other = tokens.create("agent", Role.agent, "lab-02").block().secret();
    documents
        .updateFirst(
            Query.query(
                org.springframework.data.mongodb.core.query.Criteria.where("_id").is(executionId)),
            new org.springframework.data.mongodb.core.query.Update()
                .push(
                    "machines",
                    new io.cta.server.execution.MachineRun(
                        null, "lab-02", MachineRunState.running)),
            "executions")
        .block();
    agent = other;
    machine = "lab-02";
    assertEquals(201, upload("r1", "part", "other-1", new byte[1024 * 1024]).statusCode());
    assertEquals(201, upload("r2", "part", "other-2", new byte[1024 * 1024 - 1]).statusCode());
    HttpResponse<String> partly = upload("r3", "two", "other-3", new byte[2]);
    assertEquals(413, partly.statusCode(), partly.body());
    assertEquals(
        "file 'two': test 'r3' has 1 bytes left of the limit of 7 MB of files per execution (2"
            + " bytes or more)",
        json.readTree(partly.body()).get("detail").asText());
    assertEquals(201, upload("r3", "one", "other-4", new byte[1]).statusCode());
    HttpResponse<String> full = upload("r4", "tiny", "other-5", new byte[1]);
    assertEquals(413, full.statusCode(), full.body());
    assertEquals(
        "file 'tiny': execution '" + executionId + "' reached its limit of 7 MB of files",
        json.readTree(full.body()).get("detail").asText());
  }

  @Test
  void givenBadParameters_whenUploaded_thenProblemsNameTheField() throws Exception {
    executionId = "no-such-execution";
    HttpResponse<String> unknown = upload("t1", "a.txt", "k", new byte[] {1});
    assertEquals(404, unknown.statusCode(), unknown.body());

    HttpResponse<String> noKey =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + port
                            + "/agent/v1/files?machine="
                            + Fixtures.MACHINE
                            + "&executionId=e&testId=t&attempt=1&kind=screenshot&name=a"))
                .header("Authorization", "Bearer " + agent)
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1}))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(400, noKey.statusCode(), noKey.body());
    assertTrue(noKey.body().contains("key"), noKey.body());
  }
}
