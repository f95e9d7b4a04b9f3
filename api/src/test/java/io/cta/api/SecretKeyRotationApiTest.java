package io.cta.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import io.cta.server.secret.SecretKeys;
import io.cta.server.secret.SecretStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Mono;

/**
 * A key rotation as docs/security.md tells it: values sealed by the old key are there, the api
 * starts with the new key and the old one as previous, and re-encrypts them, saying how many.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretKeyRotationApiTest extends ApiHttpTest {

  private static final byte[] OLD = new byte[32];
  private static final String DATABASE = "cta-key-rotation";

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    seed();
    servers(registry, DATABASE);
    registry.add("cta.secrets.previous-keys", () -> Base64.getEncoder().encodeToString(OLD));
  }

  /** The old key's values, stored before the api starts (as by the api before the rotation). */
  private static void seed() {
    try (MongoClient client = MongoClients.create(mongoUri(DATABASE))) {
      SecretStore before =
          new SecretStore(
              new ReactiveMongoTemplate(client, DATABASE), SecretKeys.of(OLD), List.of());
      before.create("one", "value-1", Instant.now()).block();
      before.create("two", "value-2", Instant.now()).block();
    }
  }

  @Autowired SecretStore secrets;
  @Autowired ReactiveMongoTemplate mongo;

  @Test
  void givenValuesOfThePreviousKey_whenTheApiStarts_thenTheyAreResealedAndTheLogSaysHowMany(
      CapturedOutput output) {
    String current =
        io.cta.server.secret.SecretKeys.of(Base64.getDecoder().decode(SECRET_KEY))
            .current()
            .keyId();

    long resealed =
        Mono.defer(() -> mongo.count(Query.query(Criteria.where("keyId").is(current)), "secrets"))
            .filter(n -> n == 2)
            .repeatWhenEmpty(tries -> tries.delayElements(Duration.ofMillis(50)))
            .timeout(Duration.ofSeconds(10))
            .block();

    assertEquals(2, resealed);
    assertEquals("value-1", secrets.resolve("one").block());
    SecretStore withoutOldKey =
        new SecretStore(mongo, SecretKeys.of(Base64.getDecoder().decode(SECRET_KEY)), List.of());
    assertEquals("value-2", withoutOldKey.resolve("two").block());
    assertTrue(
        output.getAll().contains("re-encrypted 2 secrets with the current key"), "no log line");
  }
}
