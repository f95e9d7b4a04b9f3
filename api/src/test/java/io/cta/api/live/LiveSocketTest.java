package io.cta.api.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.cta.server.live.LiveEvent;
import io.cta.server.live.LiveFeedStore;
import io.cta.server.security.Role;
import io.cta.server.security.TokenStore;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The WebSocket endpoint over a real socket: who may open it, and events arriving on it. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LiveSocketTest {

  private static final MongoServer mongo = new MongoServer(new MemoryBackend());
  private static final InetSocketAddress mongoAddress = mongo.bind();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add(
        "spring.mongodb.uri", () -> "mongodb://127.0.0.1:" + mongoAddress.getPort() + "/cta-ws");
    registry.add("cta.temporal.target", () -> "127.0.0.1:1");
    registry.add("cta.live.max-sessions-per-token", () -> "2");
  }

  @AfterAll
  static void stopMongo() {
    mongo.shutdownNow();
  }

  @LocalServerPort int port;
  @Autowired TokenStore tokens;
  @Autowired LiveFeedStore feed;
  @Autowired LiveHub hub;

  private final JsonMapper json = JsonMapper.builder().build();
  private final HttpClient http = HttpClient.newHttpClient();

  /** Collects a socket's text messages. */
  static final class Inbox implements WebSocket.Listener {
    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        messages.add(partial.toString());
        partial.setLength(0);
      }
      socket.request(1);
      return null;
    }
  }

  private WebSocket open(String query, String token, Inbox inbox) {
    WebSocket.Builder builder = http.newWebSocketBuilder();
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder.buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws" + query), inbox).join();
  }

  private int refusedWith(String query, String token) {
    CompletionException e =
        assertThrows(CompletionException.class, () -> open(query, token, new Inbox()));
    return assertInstanceOf(WebSocketHandshakeException.class, e.getCause())
        .getResponse()
        .statusCode();
  }

  private JsonNode next(Inbox inbox) throws InterruptedException {
    String message = inbox.messages.poll(10, TimeUnit.SECONDS);
    if (message == null) {
      throw new AssertionError("no message within 10 s");
    }
    return json.readTree(message);
  }

  private String ticket(String token) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + LiveController.TICKETS))
                .POST(HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(201, response.statusCode(), response.body());
    return json.readTree(response.body()).get("ticket").asString();
  }

  @Test
  void
      givenAViewersTicket_whenABrowserOpensTheSocket_thenItSeesExecutionsChangeAndTheTicketIsSpent()
          throws Exception {
    String viewer = tokens.create("ws viewer", Role.viewer, null).block().secret();
    String ticket = ticket(viewer);
    Inbox inbox = new Inbox();
    WebSocket socket = open("?ticket=" + ticket, null, inbox);

    socket.sendText("{\"type\":\"subscribe\",\"topic\":\"executions\"}", true).join();
    assertEquals("subscribed", next(inbox).get("type").asString());
    feed.publish(LiveEvent.EXECUTION, "e1", Map.of("id", "e1", "state", "running")).block();

    JsonNode event = next(inbox);
    assertEquals("execution", event.get("type").asString());
    assertEquals("executions", event.get("topic").asString());
    assertEquals("running", event.get("data").get("state").asString());
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();

    assertEquals(401, refusedWith("?ticket=" + ticket, null), "a ticket is single-use");
  }

  @Test
  void givenEachKindOfCaller_whenOpeningTheSocket_thenOnlyUserRolesGetIn() throws Exception {
    String operator = tokens.create("ws operator", Role.operator, null).block().secret();
    String agent = tokens.create("ws agent", Role.agent, null).block().secret();

    assertEquals(401, refusedWith("", null));
    assertEquals(401, refusedWith("?ticket=made-up", null));
    assertEquals(403, refusedWith("", agent));
    Inbox inbox = new Inbox();
    WebSocket socket = open("", operator, inbox);
    socket.sendText("{\"type\":\"ping\"}", true).join();
    assertEquals("pong", next(inbox).get("type").asString());
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
  }

  @Test
  void givenAnOpenSocket_whenItsTokenIsRevoked_thenTheServerSaysSoAndClosesIt() throws Exception {
    TokenStore.CreatedToken viewer = tokens.create("ws revoked", Role.viewer, null).block();
    Inbox inbox = new Inbox();
    open("?ticket=" + ticket(viewer.secret()), null, inbox);
    hub.checkTokens().block();
    assertTrue(inbox.messages.isEmpty(), "a valid token keeps its socket");

    tokens.revoke(viewer.token().id()).block();
    hub.checkTokens().block();

    JsonNode error = next(inbox);
    assertEquals("error", error.get("type").asString());
    assertTrue(error.get("message").asString().contains("revoked"), error.toString());
    inbox.closed.get(10, TimeUnit.SECONDS);
  }

  private HttpResponse<String> ticketResponse(String token) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + LiveController.TICKETS))
            .POST(HttpRequest.BodyPublishers.noBody())
            .header("Authorization", "Bearer " + token)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void givenATokenAtItsSessionCap_whenItAsksForATicketOrOpensASocket_thenA429UntilOneCloses()
      throws Exception {
    String viewer = tokens.create("ws capped", Role.viewer, null).block().secret();
    WebSocket first = open("", viewer, new Inbox());
    open("?ticket=" + ticket(viewer), null, new Inbox());

    assertEquals(
        429, refusedWith("", viewer), "a bearer-header client is refused at the handshake");
    HttpResponse<String> refused = ticketResponse(viewer);
    assertEquals(429, refused.statusCode(), refused.body());
    assertTrue(
        json.readTree(refused.body()).get("detail").asString().contains("max-sessions-per-token"),
        refused.body());
    String other = tokens.create("ws other", Role.viewer, null).block().secret();
    open("", other, new Inbox()).sendClose(WebSocket.NORMAL_CLOSURE, "done").join();

    first.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (ticketResponse(viewer).statusCode() == 429) {
      assertTrue(System.nanoTime() < deadline, "the closed session was never given back");
      Thread.sleep(20);
    }
    Inbox inbox = new Inbox();
    open("", viewer, inbox).sendText("{\"type\":\"ping\"}", true).join();
    assertEquals("pong", next(inbox).get("type").asString());
  }

  @Test
  void givenHandshakesThatFail_whenTheTokenOpensSocketsAfterwards_thenTheFailuresHeldNoPlace()
      throws Exception {
    String viewer = tokens.create("ws failed handshakes", Role.viewer, null).block().secret();
    for (int n = 0; n < 3; n++) {
      HttpResponse<String> plain =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ws"))
                  .header("Authorization", "Bearer " + viewer)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(400, plain.statusCode(), "not an upgrade: " + plain.body());
    }

    Inbox inbox = new Inbox();
    open("", viewer, new Inbox());
    open("", viewer, inbox).sendText("{\"type\":\"ping\"}", true).join();
    assertEquals("pong", next(inbox).get("type").asString());
  }
}
