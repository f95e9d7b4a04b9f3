package io.cta.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;

/**
 * The api booted against an in-memory MongoDB and Temporal's test server (both on loopback, once
 * per JVM; the JVM's exit ends them), called over HTTP like a user. Each test class names its own
 * database in a {@code @DynamicPropertySource} through {@link #servers}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class ApiHttpTest {

  static final String ADMIN = "cta_test_admin_" + System.nanoTime();

  private static final MongoServer mongo = new MongoServer(new MemoryBackend());
  private static final InetSocketAddress mongoAddress = mongo.bind();
  private static final Server temporal = startTemporal();

  private static Server startTemporal() {
    // No workers: workflows start and wait, which is all the api needs.
    TestServicesStarter services = new TestServicesStarter(true, 0);
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    for (BindableService service : services.getServices()) {
      builder.addService(service);
    }
    try {
      return builder.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void servers(DynamicPropertyRegistry registry, String database) {
    serversWithoutSecretKey(registry, database);
    registry.add("cta.secrets.key", () -> SECRET_KEY);
  }

  /** As {@link #servers}, with the secret store off (no key configured). */
  static void serversWithoutSecretKey(DynamicPropertyRegistry registry, String database) {
    registry.add(
        "spring.mongodb.uri",
        () -> "mongodb://127.0.0.1:" + mongoAddress.getPort() + "/" + database);
    registry.add("cta.admin-token", () -> ADMIN);
    registry.add("cta.temporal.target", () -> "127.0.0.1:" + temporal.getPort());
  }

  /** The secret store's key in these tests: base64 of 32 bytes. */
  static final String SECRET_KEY = "c2VjcmV0LXN0b3JlLWtleS1vZi1hcGktdGVzdHMtMzI=";

  static {
    // Every call on a fresh connection ("Connection: close", which the JDK client restricts by
    // default): reusing its connections here, a call now and then got no answer, while curl and a
    // raw socket pipelining requests on one connection to the same api always got theirs.
    System.setProperty("jdk.httpclient.allowRestrictedHeaders", "connection");
  }

  private static final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @LocalServerPort int port;

  @Autowired
  @Qualifier("requestMappingHandlerMapping")
  RequestMappingHandlerMapping mappings;

  record Endpoint(String method, String path, HandlerMethod handler) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  /** Every REST endpoint, from the api's own request mappings. */
  List<Endpoint> endpoints() {
    List<Endpoint> endpoints = new ArrayList<>();
    mappings
        .getHandlerMethods()
        .forEach(
            (info, handler) -> {
              for (PathPattern pattern : info.getPatternsCondition().getPatterns()) {
                for (RequestMethod method : info.getMethodsCondition().getMethods()) {
                  if (pattern.getPatternString().startsWith("/api/")) {
                    endpoints.add(new Endpoint(method.name(), pattern.getPatternString(), handler));
                  }
                }
              }
            });
    endpoints.sort(Comparator.comparing(e -> e.path() + " " + e.method()));
    assertTrue(endpoints.size() >= 20, "found " + endpoints);
    return endpoints;
  }

  /** Whether the endpoint's handler has a parameter with this annotation. */
  static boolean takes(Endpoint endpoint, Class<? extends Annotation> annotation) {
    return Arrays.stream(endpoint.handler().getMethodParameters())
        .anyMatch(parameter -> parameter.hasParameterAnnotation(annotation));
  }

  /** POSTs a valid body and answers the id of what it created. */
  String created(String path, String body) throws Exception {
    HttpResponse<String> response = send("POST", path, body, ADMIN);
    assertEquals(201, response.statusCode(), path + ": " + response.body());
    return new ObjectMapper().readTree(response.body()).get("id").asText();
  }

  /**
   * A JSON request; {@code headers} are name, value pairs that may replace the content type (an
   * empty value leaves a header out).
   */
  HttpResponse<String> send(
      String method, String path, String body, String token, String... headers) throws Exception {
    Map<String, String> all = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    all.put("Content-Type", "application/json");
    all.put("Connection", "close");
    if (token != null) {
      all.put("Authorization", "Bearer " + token);
    }
    for (int i = 0; i < headers.length; i += 2) {
      all.put(headers[i], headers[i + 1]);
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .timeout(Duration.ofSeconds(30));
    all.forEach(
        (name, value) -> {
          if (!value.isEmpty()) {
            request.header(name, value);
          }
        });
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
