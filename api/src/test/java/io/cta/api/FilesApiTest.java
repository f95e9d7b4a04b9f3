package io.cta.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cta.server.execution.FileStore;
import io.cta.server.execution.StoredFile;
import io.cta.server.security.Role;
import io.cta.server.security.TokenStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Flux;

/** {@code GET /api/v1/files/{id}}: the stored bytes, their type, a safe download name, 404s. */
class FilesApiTest extends ApiHttpTest {

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    servers(registry, "cta-files");
  }

  @Autowired FileStore files;
  @Autowired TokenStore tokens;

  private StoredFile store(String name, String contentType, byte[] content) {
    return files
        .store(
            new FileStore.Upload("e1", "t1", 1, "lab-01", "attachment", name, contentType, name),
            Flux.just(
                DefaultDataBufferFactory.sharedInstance.wrap(
                    java.nio.ByteBuffer.wrap(content, 0, 100_000)),
                DefaultDataBufferFactory.sharedInstance.wrap(
                    java.nio.ByteBuffer.wrap(content, 100_000, content.length - 100_000))))
        .block();
  }

  private HttpResponse<byte[]> download(String id, String token) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/files/" + id))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void givenAStoredFile_whenAViewerDownloadsIt_thenTheBytesTypeAndASafeNameComeBack()
      throws Exception {
    byte[] content = new byte[600_000];
    new Random(7).nextBytes(content);
    StoredFile stored = store("rapport é \"x\".html", "text/html", content);
    String viewer = tokens.create("file viewer", Role.viewer, null).block().secret();

    HttpResponse<byte[]> response = download(stored.id(), viewer);

    assertEquals(200, response.statusCode());
    assertArrayEquals(content, response.body());
    assertEquals("text/html", response.headers().firstValue("Content-Type").orElseThrow());
    assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElseThrow());
    String disposition = response.headers().firstValue("Content-Disposition").orElseThrow();
    assertTrue(disposition.startsWith("attachment;"), disposition);
    assertTrue(
        disposition.contains(
            "filename*=UTF-8''"
                + java.net.URLEncoder.encode("rapport é \"x\".html", StandardCharsets.UTF_8)
                    .replace("+", "%20")
                    .replace("%22", "%22")),
        disposition);
  }

  @Test
  void givenNoSuchFile_whenDownloaded_thenA404Problem() throws Exception {
    for (String id : new String[] {"000000000000000000000000", "not-an-id", "..%2F..%2Fetc"}) {
      HttpResponse<String> response = send("GET", "/api/v1/files/" + id, null, ADMIN);
      // An encoded '/' never reaches a handler: the path is refused as not canonical.
      assertEquals(
          id.contains("%2F") ? 400 : 404, response.statusCode(), id + ": " + response.body());
      assertTrue(
          response.headers().firstValue("Content-Type").orElse("").contains("problem+json"), id);
    }
  }
}
