package io.cta.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cta.activities.TestStatus;
import io.cta.activities.agent.TestSpec;
import io.cta.agent.run.TestRun;
import io.cta.testrunner.result.CaseResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's uploads against a local HTTP server standing in for the consumer. */
class FileUploaderTest {

  /** What the stand-in consumer received. */
  record Received(Map<String, String> query, String contentType, byte[] body) {}

  @TempDir Path work;
  private HttpServer server;
  private final List<Received> received = Collections.synchronizedList(new ArrayList<>());

  /** Status codes to answer, in order; then 201. */
  private final List<Integer> answers = Collections.synchronizedList(new ArrayList<>());

  private final AtomicInteger heartbeats = new AtomicInteger();

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/agent/v1/files", this::handle);
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    Map<String, String> query = new LinkedHashMap<>();
    for (String pair : exchange.getRequestURI().getRawQuery().split("&")) {
      String[] kv = pair.split("=", 2);
      query.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
    }
    received.add(new Received(query, exchange.getRequestHeaders().getFirst("Content-Type"), body));
    int status = answers.isEmpty() ? 201 : answers.remove(0);
    byte[] answer =
        status == 201
            ? ("{\"id\":\"65f0000000000000000000"
                    + String.format("%02d", received.size())
                    + "\",\"name\":\""
                    + query.get("name")
                    + "\",\"size\":"
                    + body.length
                    + "}")
                .getBytes(StandardCharsets.UTF_8)
            : "{\"status\":413,\"detail\":\"file 'big.bin': larger than the limit of 50 MB per file\"}"
                .getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, answer.length);
    exchange.getResponseBody().write(answer);
    exchange.close();
  }

  private FileUploader uploader() {
    return new FileUploader(
        new ConsumerClient("http://127.0.0.1:" + server.getAddress().getPort(), "secret"), 10);
  }

  private TestRun run() {
    return new TestRun(
        "e1",
        2,
        new TestSpec("login", "login", "commandLine", List.of(), List.of()),
        "lab-01",
        work,
        event -> {},
        heartbeats::incrementAndGet,
        null,
        (run, result) -> result);
  }

  private static CaseResult result(List<String> attachments, List<String> screenshots) {
    return new CaseResult("", TestStatus.ok, "passed", null, null, null, attachments, screenshots);
  }

  @Test
  void givenAnUnreachableThenFailingConsumer_whenUploading_thenItRetriesAndTheResultHoldsFileIds()
      throws Exception {
    Files.createDirectories(work.resolve("shots"));
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
    Files.write(work.resolve("shots/login.png"), png);
    Files.writeString(work.resolve("app.log"), "started\n");
    answers.addAll(List.of(503, 502));

    CaseResult uploaded =
        uploader().upload(run(), result(List.of("app.log"), List.of("shots/login.png")));

    assertEquals(4, received.size(), "two refusals to retry, then both files");
    assertEquals(List.of("65f000000000000000000003"), uploaded.attachments());
    assertEquals(List.of("65f000000000000000000004"), uploaded.screenshots());
    assertEquals(null, uploaded.description());
    assertTrue(heartbeats.get() > 0, "the test heartbeats while it waits");
    Received shot = received.get(3);
    assertArrayEquals(png, shot.body());
    assertEquals("image/png", shot.contentType());
    assertEquals("screenshot", shot.query().get("kind"));
    assertEquals("login.png", shot.query().get("name"));
    assertEquals("e1", shot.query().get("executionId"));
    assertEquals("login", shot.query().get("testId"));
    assertEquals("2", shot.query().get("attempt"));
    assertEquals("lab-01", shot.query().get("machine"));
    // A retry is the same upload: the same idempotency key.
    assertEquals(received.get(0).query().get("key"), received.get(2).query().get("key"));
    assertTrue(shot.query().get("key").startsWith("file/e1/login/lab-01/2/screenshot/"));
  }

  @Test
  void givenAFileTheConsumerRefuses_whenUploading_thenTheResultGoesWithoutItAndSaysWhy()
      throws Exception {
    Files.write(work.resolve("big.bin"), new byte[100]);
    Files.write(work.resolve("small.txt"), new byte[] {'x'});
    answers.add(413);

    CaseResult uploaded =
        uploader().upload(run(), result(List.of("big.bin", "small.txt", "gone.txt"), List.of()));

    assertEquals(List.of("65f000000000000000000002"), uploaded.attachments());
    assertTrue(
        uploaded
            .description()
            .contains(
                "[CTA: attachment 'big.bin' not uploaded: file 'big.bin': larger than the limit"
                    + " of 50 MB per file]"),
        uploaded.description());
    assertTrue(
        uploaded.description().contains("[CTA: attachment 'gone.txt' not uploaded: cannot read it"),
        uploaded.description());
    assertEquals(2, received.size(), "a refused file is not sent again");
  }

  @Test
  void givenTheSameContentTwice_whenUploaded_thenTheKeysMatch_andOtherContentGetsAnother()
      throws Exception {
    Files.writeString(work.resolve("a.txt"), "one");
    FileUploader uploader = uploader();
    uploader.upload(run(), result(List.of("a.txt"), List.of()));
    uploader.upload(run(), result(List.of("a.txt"), List.of()));
    Files.writeString(work.resolve("a.txt"), "two");
    uploader.upload(run(), result(List.of("a.txt"), List.of()));

    assertEquals(received.get(0).query().get("key"), received.get(1).query().get("key"));
    assertTrue(!received.get(1).query().get("key").equals(received.get(2).query().get("key")));
  }
}
