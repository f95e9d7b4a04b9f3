package io.cta.consumer.notification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.sun.net.httpserver.HttpServer;
import de.bwaldvogel.mongo.MongoServer;
import io.cta.activities.ExecutionState;
import io.cta.activities.RunMode;
import io.cta.activities.TestStatus;
import io.cta.activities.agent.StartedSignal;
import io.cta.activities.notification.DeliveryRequest;
import io.cta.activities.notification.NotificationType;
import io.cta.consumer.Fixtures;
import io.cta.consumer.config.ConsumerProperties;
import io.cta.consumer.metrics.ConsumerMetrics;
import io.cta.server.definition.ConfigurationDocument;
import io.cta.server.definition.DefinitionStore;
import io.cta.server.definition.MachineTarget;
import io.cta.server.definition.Notification;
import io.cta.server.definition.ScenarioDocument;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionLifecycle;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.live.LiveFeedStore;
import io.cta.server.notification.Delivery;
import io.cta.server.notification.DeliveryStore;
import io.cta.server.scenario.ScenarioRunner;
import io.cta.server.scenario.SlotStore;
import io.cta.server.temporal.ExecutionWorkflows;
import io.cta.temporal.TaskQueues;
import io.cta.workflows.execution.CancelSignal;
import io.cta.workflows.execution.ExecutionInput;
import io.cta.workflows.execution.ExecutionOutcome;
import io.cta.workflows.execution.ExecutionProgress;
import io.cta.workflows.execution.ExecutionWorkflow;
import io.cta.workflows.notification.NotificationInput;
import io.cta.workflows.notification.NotificationWorkflow;
import io.cta.workflows.notification.NotificationWorkflowImpl;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The notification workflow with the consumer's real activities: a real HTTP receiver (the JDK's),
 * a real SMTP server (GreenMail), the embedded MongoDB, and Temporal's time skipping for the
 * retries' backoff.
 */
class NotificationActivitiesImplTest {

  private static final String SECRET = "hmac-key-never-shown";
  private static final String PUBLIC_URL = "https://cta.example.com";

  @RegisterExtension
  static final GreenMailExtension smtp =
      new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
          .withConfiguration(GreenMailConfiguration.aConfig().withUser("mailer", "smtp-password"));

  private static MongoServer mongoServer;

  @BeforeAll
  static void startMongo() {
    mongoServer = Fixtures.mongoServer();
  }

  @AfterAll
  static void stopMongo() {
    mongoServer.shutdownNow();
  }

  /** One request the receiver got. */
  record Received(String signature, String deliveryId, byte[] body) {}

  private final List<Received> received = new CopyOnWriteArrayList<>();

  /** The receiver answers 503 while this lasts, then 204. */
  private final AtomicInteger failuresLeft = new AtomicInteger();

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private HttpServer receiver;
  private TestWorkflowEnvironment env;
  private ReactiveMongoTemplate mongo;
  private ExecutionStore executions;
  private DeliveryStore deliveries;
  private NotificationActivitiesImpl activities;

  @BeforeEach
  void setUp() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          received.add(
              new Received(
                  exchange.getRequestHeaders().getFirst("X-CTA-Signature"),
                  exchange.getRequestHeaders().getFirst("X-CTA-Delivery"),
                  exchange.getRequestBody().readAllBytes()));
          exchange.sendResponseHeaders(failuresLeft.getAndDecrement() > 0 ? 503 : 204, -1);
          exchange.close();
        });
    receiver.start();
    mongo = Fixtures.mongo(mongoServer);
    executions = new ExecutionStore(mongo, new LiveFeedStore(mongo));
    deliveries = new DeliveryStore(mongo);
    ConsumerProperties properties =
        new ConsumerProperties(
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            new ConsumerProperties.Notifications(
                PUBLIC_URL + "/", "cta@example.com", 2, null, true),
            null,
            null);
    env = TestWorkflowEnvironment.newInstance();
    ScenarioRunner runner =
        new ScenarioRunner(
            new DefinitionStore(mongo),
            executions,
            new ExecutionLifecycle(executions),
            new ExecutionWorkflows(env.getWorkflowClient()),
            new SlotStore(mongo),
            null,
            null);
    activities =
        new NotificationActivitiesImpl(
            executions,
            deliveries,
            new WebhookSender(properties),
            new EmailSender(
                new StaticListableBeanFactory(Map.of("mailSender", mailSender()))
                    .getBeanProvider(JavaMailSender.class),
                properties),
            new Chains(runner, properties),
            new ConsumerMetrics(meters),
            properties);
    Worker worker = env.newWorker(TaskQueues.SERVER);
    worker.registerWorkflowImplementationTypes(
        NotificationWorkflowImpl.class, ChainedExecution.class);
    worker.registerActivitiesImplementations(activities);
    env.start();
  }

  /** What Spring Boot builds from spring.mail.host, port, username, password and properties. */
  private static JavaMailSender mailSender() {
    JavaMailSenderImpl sender = new JavaMailSenderImpl();
    sender.setHost("127.0.0.1");
    sender.setPort(smtp.getSmtp().getPort());
    sender.setUsername("mailer");
    sender.setPassword("smtp-password");
    Properties mail = new Properties();
    mail.put("mail.smtp.auth", "true");
    sender.setJavaMailProperties(mail);
    return sender;
  }

  @AfterEach
  void tearDown() {
    env.close();
    receiver.stop(0);
  }

  /** Stands in for the execution workflow of a chained run: it only has to start. */
  public static class ChainedExecution implements ExecutionWorkflow {
    @Override
    public ExecutionOutcome run(ExecutionInput input) {
      return new ExecutionOutcome(ExecutionState.finished, TestStatus.ok, null);
    }

    @Override
    public void started(StartedSignal signal) {}

    @Override
    public void cancel(CancelSignal signal) {}

    @Override
    public ExecutionProgress getState() {
      return null;
    }
  }

  private ExecutionDocument stored(
      ExecutionState state, TestStatus result, int chainDepth, Notification... notifications) {
    return executions
        .insert(Fixtures.completed("sc1", 7, state, result, chainDepth, List.of(notifications)))
        .block();
  }

  /** Runs the execution's notification workflow to its end, as the execution workflow starts it. */
  private void notify(ExecutionDocument execution) {
    env.getWorkflowClient()
        .newWorkflowStub(
            NotificationWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(NotificationWorkflow.workflowId(execution.id()))
                .setTaskQueue(TaskQueues.SERVER)
                .build())
        .run(new NotificationInput(execution.id()));
  }

  private Notification webhook(String secret) {
    return new Notification(
        NotificationType.webhook,
        "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook?token=in-query",
        secret,
        null,
        null,
        Notification.On.finish);
  }

  private double failures(String channel) {
    Counter counter =
        meters.find(ConsumerMetrics.NOTIFICATION_FAILURES).tag("channel", channel).counter();
    return counter == null ? 0 : counter.count();
  }

  private static String hmac(String secret, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
  }

  @Test
  void givenLocalWebhooksNotAllowed_whenAUrlIsLocal_thenItIsRefusedForGoodAndNothingIsSent() {
    WebhookSender strict =
        new WebhookSender(
            new ConsumerProperties(
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                new ConsumerProperties.Notifications(PUBLIC_URL, null, null, null, false),
                null,
                null));
    int port = receiver.getAddress().getPort();
    for (String url :
        List.of(
            "http://127.0.0.1:" + port + "/hook",
            "http://localhost:" + port + "/hook",
            "http://[::1]:" + port + "/hook",
            "http://0.0.0.0:" + port + "/hook",
            "http://169.254.169.254/latest/meta-data/")) {
      DeliveryException refused =
          assertThrows(DeliveryException.class, () -> strict.send(url, null, "d-local", null));
      assertTrue(refused.permanent(), url);
      assertTrue(refused.getMessage().contains("allow-local-webhooks"), refused.getMessage());
    }
    assertEquals(List.of(), received, "nothing reached the receiver");
  }

  @Test
  void givenAReceiverThatFailsTwice_whenNotified_thenTheThirdAttemptDeliversEachSigned()
      throws Exception {
    failuresLeft.set(2);
    ExecutionDocument execution =
        stored(ExecutionState.finished, TestStatus.failed, 0, webhook(SECRET));

    notify(execution);

    assertEquals(3, received.size());
    for (Received request : received) {
      assertEquals(hmac(SECRET, request.body()), request.signature(), "signed over the body");
      assertEquals(execution.id() + "-0", request.deliveryId(), "one id for every attempt");
      assertFalse(new String(request.body(), StandardCharsets.UTF_8).contains(SECRET));
    }
    JsonNode payload = JsonMapper.builder().build().readTree(received.get(2).body());
    assertEquals("execution.complete", payload.get("event").asString());
    assertNotNull(Instant.parse(payload.get("sentAt").asString()));
    JsonNode summary = payload.get("execution");
    assertEquals(execution.id(), summary.get("id").asString());
    assertEquals(7, summary.get("number").asInt());
    assertEquals("nightly <main>", summary.get("scenarioName").asString());
    assertEquals("finished", summary.get("state").asString());
    assertEquals("failed", summary.get("result").asString());
    assertEquals(1, summary.get("counters").get("failed").asInt());
    assertEquals(42_500, summary.get("durationMs").asLong());
    assertEquals(execution.finishedAt(), Instant.parse(summary.get("finishedAt").asString()));
    assertEquals(
        PUBLIC_URL + "/api/v1/executions/" + execution.id(), summary.get("link").asString());

    List<Delivery> log = deliveries.deliveries(execution.id()).block();
    assertEquals(
        List.of("1 failed 503", "2 failed 503", "3 delivered 204"),
        log.stream().map(d -> d.attempt() + " " + d.status() + " " + d.statusCode()).toList());
    assertEquals(
        "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
        log.get(0).target(),
        "the log shows no query string");
    assertEquals(0, failures("webhook"));
  }

  @Test
  void givenAReceiverThatAlwaysFails_whenNotified_thenItGivesUpAfterFiveAttemptsAndCountsIt() {
    failuresLeft.set(Integer.MAX_VALUE);
    ExecutionDocument execution = stored(ExecutionState.timeout, null, 0, webhook(null));

    notify(execution);

    assertEquals(5, received.size());
    assertEquals(null, received.get(0).signature(), "no secret: unsigned");
    List<Delivery> log = deliveries.deliveries(execution.id()).block();
    assertEquals(6, log.size());
    Delivery last = log.get(5);
    assertEquals(Delivery.Status.abandoned, last.status());
    assertEquals(5, last.attempt());
    assertEquals("the receiver answered HTTP 503", last.error());
    assertEquals(1, failures("webhook"));
  }

  @Test
  void givenAnEmailNotification_whenNotOk_thenEveryRecipientGetsTheTextAndHtmlSummary()
      throws Exception {
    Notification email =
        new Notification(
            NotificationType.email,
            null,
            null,
            List.of("lead@example.com", "qa@example.com"),
            null,
            Notification.On.notOk);
    ExecutionDocument execution = stored(ExecutionState.finished, TestStatus.failed, 0, email);

    notify(execution);

    MimeMessage[] messages = smtp.getReceivedMessages();
    assertEquals(2, messages.length, "one copy per recipient");
    MimeMessage message = messages[0];
    assertEquals(
        List.of("lead@example.com", "qa@example.com"),
        Arrays.stream(message.getRecipients(Message.RecipientType.TO))
            .map(Object::toString)
            .toList());
    assertEquals("cta@example.com", message.getFrom()[0].toString());
    assertEquals("[CTA] nightly <main> #7: finished, failed", message.getSubject());
    String link = PUBLIC_URL + "/api/v1/executions/" + execution.id();
    String text = part(message, "text/plain");
    assertTrue(text.contains("Scenario:  nightly <main> (execution #7)"), text);
    assertTrue(text.contains("Result:    failed"), text);
    assertTrue(text.contains("Counters:  1 ok, 1 failed, 0 partial, 0 inconclusive"), text);
    assertTrue(text.contains("Duration:  42.5 s"), text);
    assertTrue(text.contains("Details:   " + link), text);
    String html = part(message, "text/html");
    assertTrue(html.contains("<h2>nightly &lt;main&gt; #7: finished, failed</h2>"), html);
    assertTrue(html.contains("<th align=\"left\">Result</th><td>failed</td>"), html);
    assertTrue(html.contains("<a href=\"" + link + "\">"), html);
    Delivery delivered = deliveries.deliveries(execution.id()).block().get(0);
    assertEquals(Delivery.Status.delivered, delivered.status());
    assertEquals("lead@example.com, qa@example.com", delivered.target());
  }

  /** The content of the first part with this MIME type, looking into nested multiparts. */
  private static String part(Part part, String type) throws Exception {
    if (part.isMimeType(type)) {
      return (String) part.getContent();
    }
    if (part.getContent() instanceof Multipart multipart) {
      for (int i = 0; i < multipart.getCount(); i++) {
        BodyPart body = multipart.getBodyPart(i);
        String found = part(body, type);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private void storeScenario(String id) {
    Instant now = Instant.now();
    mongo.insert(Fixtures.suite()).block();
    mongo
        .insert(
            new ConfigurationDocument(
                "cfg",
                "config",
                RunMode.mono,
                ConfigurationDocument.MachineType.physical,
                new MachineTarget(Fixtures.MACHINE),
                false,
                now,
                now))
        .block();
    mongo
        .insert(
            new ScenarioDocument(
                id, "cleanup", null, "s1", "cfg", 60_000, 60_000, 0, null, List.of(), null, 0, now,
                now))
        .block();
  }

  private static Notification chainTo(String scenarioId) {
    return new Notification(
        NotificationType.chain, null, null, null, scenarioId, Notification.On.finish);
  }

  @Test
  void givenAChainNotification_whenNotified_thenTheOtherScenarioRunsOnceOneChainDeeper() {
    storeScenario("cleanup");
    ExecutionDocument execution =
        stored(ExecutionState.finished, TestStatus.ok, 1, chainTo("cleanup"));

    notify(execution);

    Delivery delivery = deliveries.deliveries(execution.id()).block().get(0);
    assertEquals(Delivery.Status.delivered, delivery.status());
    ExecutionDocument chained = executions.findById(delivery.chainedExecutionId()).block();
    assertEquals("cleanup", chained.scenarioId());
    assertEquals(2, chained.chainDepth());
    assertEquals("chain", chained.requestedBy());
    assertEquals("chained from nightly <main> #7", chained.requestReason());
    assertEquals(
        1,
        executions.count(ExecutionStore.ListFilter.ofScenario("cleanup")).block(),
        "exactly one run");
    ExecutionOutcome outcome =
        env.getWorkflowClient()
            .newUntypedWorkflowStub(ExecutionWorkflow.workflowId(chained.id()))
            .getResult(ExecutionOutcome.class);
    assertEquals(ExecutionState.finished, outcome.state(), "its workflow was started");
  }

  @Test
  void givenAnExecutionAtTheChainDepthLimit_whenItWouldChain_thenNothingRunsAndTheLogSaysWhy() {
    storeScenario("cleanup");
    ExecutionDocument execution =
        stored(ExecutionState.finished, TestStatus.ok, 2, chainTo("cleanup"));

    notify(execution);

    assertEquals(0, executions.count(ExecutionStore.ListFilter.ofScenario("cleanup")).block());
    List<Delivery> log = deliveries.deliveries(execution.id()).block();
    assertEquals(
        List.of(Delivery.Status.failed, Delivery.Status.abandoned),
        log.stream().map(Delivery::status).toList(),
        "a permanent failure: no retry");
    assertTrue(log.get(1).error().contains("2 chain(s) deep"), log.get(1).error());
    assertEquals(1, failures("chain"));
  }

  @Test
  void givenEachCondition_whenExecutionsEnd_thenOnlyTheMatchingNotificationsAreDue() {
    List<Notification> notifications = new ArrayList<>();
    for (Notification.On on : Notification.On.values()) {
      notifications.add(
          new Notification(NotificationType.webhook, "http://127.0.0.1/", null, null, null, on));
    }
    Object[][] outcomes = {
      {ExecutionState.finished, TestStatus.ok}, // the first: a change from nothing
      {ExecutionState.finished, TestStatus.ok},
      {ExecutionState.finished, TestStatus.failed},
      {ExecutionState.finished, TestStatus.failed},
      {ExecutionState.canceled, TestStatus.failed},
    };
    List<List<Integer>> due = new ArrayList<>();
    for (int i = 0; i < outcomes.length; i++) {
      ExecutionDocument execution =
          executions
              .insert(
                  Fixtures.completed(
                      "conditions",
                      i + 1,
                      (ExecutionState) outcomes[i][0],
                      (TestStatus) outcomes[i][1],
                      0,
                      notifications))
              .block();
      due.add(activities.due(execution.id()).stream().map(DeliveryRequest::index).toList());
    }

    // Indexes: 0 finish, 1 not-ok, 2 state-change.
    assertEquals(
        List.of(List.of(0, 2), List.of(0), List.of(0, 1, 2), List.of(0, 1), List.of(0, 1, 2)), due);
  }
}
