package io.cta.server.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import de.bwaldvogel.mongo.MongoServer;
import io.cta.server.Fixtures;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import reactor.core.publisher.Mono;

/** The store on the embedded MongoDB: values at rest, and a key rotation. */
class SecretStoreTest {

  private static final MongoServer server = Fixtures.mongoServer();
  private static final byte[] OLD = SecretCipherTest.key(1);
  private static final byte[] NEW = SecretCipherTest.key(2);

  private ReactiveMongoTemplate mongo;

  @AfterAll
  static void stop() {
    server.shutdownNow();
  }

  @BeforeEach
  void setUp() {
    mongo = Fixtures.mongo(server);
  }

  private SecretStore store(SecretKeys keys) {
    return new SecretStore(mongo, keys, List.of());
  }

  @Test
  void givenStoredSecrets_whenTheRawDocumentsAreRead_thenNoValueIsThere() {
    store(SecretKeys.of(OLD)).create("db", "hunter2-value", Instant.now()).block();

    List<Document> raw = mongo.find(new Query(), Document.class, "secrets").collectList().block();

    assertEquals(1, raw.size());
    assertFalse(raw.get(0).toJson().contains("hunter2"), raw.get(0).toJson());
    assertEquals(new SecretCipher(OLD).keyId(), raw.get(0).getString("keyId"));
  }

  @Test
  void
      givenValuesSealedWithTheOldKey_whenStartedWithANewKeyAndTheOldAsPrevious_thenAllAreResealed() {
    SecretStore before = store(SecretKeys.of(OLD));
    before.create("a", "value-a", Instant.now()).block();
    before.create("b", "value-b", Instant.now()).block();
    SecretStore rotating = store(SecretKeys.of(NEW, OLD));

    // Two processes starting at once: each value is resealed exactly once.
    long resealed =
        Mono.zip(rotating.reencrypt(Instant.now()), rotating.reencrypt(Instant.now()))
            .map(t -> t.getT1().reencrypted() + t.getT2().reencrypted())
            .block();

    assertEquals(2, resealed);
    assertEquals(0, rotating.reencrypt(Instant.now()).block().reencrypted());
    SecretStore after = store(SecretKeys.of(NEW));
    assertEquals(
        Map.of("a", "value-a", "b", "value-b"), after.resolve(List.of("a", "b", "c")).block());
    assertThrows(SecretUnreadableException.class, () -> before.resolve("a").block());
  }

  @Test
  void givenAValueSealedByAKeyNoLongerConfigured_whenReencrypting_thenItIsCountedAndLeftAlone() {
    store(SecretKeys.of(OLD)).create("a", "value-a", Instant.now()).block();

    SecretStore.Reencryption outcome = store(SecretKeys.of(NEW)).reencrypt(Instant.now()).block();

    assertEquals(new SecretStore.Reencryption(0, 1), outcome);
    assertEquals("value-a", store(SecretKeys.of(OLD)).resolve("a").block());
  }

  @Test
  void givenAStoredSecret_whenRotated_thenTheNewValueIsResolvedAndTheCreationDateKept() {
    SecretStore store = store(SecretKeys.of(OLD));
    Instant created = Instant.parse("2026-01-01T00:00:00Z");
    store.create("a", "one", created).block();

    SecretDocument rotated = store.rotate("a", "two", created.plusSeconds(5)).block();

    assertEquals("two", store.resolve("a").block());
    assertEquals(created, rotated.createdAt());
    assertEquals(created.plusSeconds(5), rotated.updatedAt());
  }
}
