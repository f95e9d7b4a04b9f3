package io.cta.server.secret;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * All MongoDB access to secrets. Values are sealed before they are written and opened only in
 * {@link #resolve}; nothing else here returns or logs a value. Every method that needs the key
 * fails with {@link SecretsUnavailableException} when none is configured.
 */
@Component
public class SecretStore {

  private final ReactiveMongoTemplate mongo;
  private final SecretKeys keys;
  private final List<SecretUsers> users;

  public SecretStore(ReactiveMongoTemplate mongo, SecretKeys keys, List<SecretUsers> users) {
    this.mongo = mongo;
    this.keys = keys;
    this.users = List.copyOf(users);
  }

  public boolean configured() {
    return keys.configured();
  }

  /**
   * Stores a new secret; fails with Spring's {@code DuplicateKeyException} when the name is taken.
   */
  public Mono<SecretDocument> create(String name, String value, Instant now) {
    SecretCipher.Sealed sealed = keys.current().seal(name, value);
    return mongo.insert(
        new SecretDocument(name, sealed.ciphertext(), sealed.nonce(), sealed.keyId(), now, now));
  }

  /** Replaces a secret's value (a rotation); empty when there is no such secret. */
  public Mono<SecretDocument> rotate(String name, String value, Instant now) {
    SecretCipher.Sealed sealed = keys.current().seal(name, value);
    return mongo.findAndModify(
        byName(name),
        new Update()
            .set("ciphertext", sealed.ciphertext())
            .set("nonce", sealed.nonce())
            .set("keyId", sealed.keyId())
            .set("updatedAt", now),
        org.springframework.data.mongodb.core.FindAndModifyOptions.options().returnNew(true),
        SecretDocument.class);
  }

  /** Whether a secret was deleted. */
  public Mono<Boolean> delete(String name) {
    return mongo.remove(byName(name), SecretDocument.class).map(r -> r.getDeletedCount() > 0);
  }

  public Mono<SecretDocument> find(String name) {
    return mongo.findOne(byName(name), SecretDocument.class);
  }

  /** One page of secrets by name; the caller shows names and dates only. */
  public Flux<SecretDocument> page(long offset, int size) {
    return mongo.find(
        new Query().with(Sort.by("_id")).skip(offset).limit(size), SecretDocument.class);
  }

  public Mono<Long> count() {
    return mongo.count(new Query(), SecretDocument.class);
  }

  /** Which of {@code names} are stored. */
  public Flux<String> existing(Collection<String> names) {
    Query query = Query.query(Criteria.where("_id").in(names));
    query.fields().include("_id");
    return mongo.find(query, SecretDocument.class).map(SecretDocument::name);
  }

  /**
   * What still uses a secret, each as a short description (such as {@code suite 'smoke' (id)}); a
   * secret in use cannot be deleted.
   */
  public Flux<String> usedBy(String name) {
    return Flux.fromIterable(users).concatMap(u -> u.using(name));
  }

  /**
   * The values of the stored ones of {@code names}, for the process that needs them: the agent
   * endpoint, and in-process callers such as runners and providers using their own credentials. The
   * caller must have checked that it may read each of them.
   */
  public Mono<Map<String, String>> resolve(Collection<String> names) {
    keys.current();
    return mongo
        .find(Query.query(Criteria.where("_id").in(names)), SecretDocument.class)
        .collectMap(SecretDocument::name, this::open)
        .map(found -> ordered(names, found));
  }

  /** One value; empty when there is no such secret. */
  public Mono<String> resolve(String name) {
    return resolve(List.of(name)).flatMap(found -> Mono.justOrEmpty(found.get(name)));
  }

  /**
   * Seals again, with the current key, every value sealed by a previous key (after a key rotation,
   * docs/security.md). Idempotent, and safe with several processes doing it at once: a value is
   * replaced only if it is still the one that was read. Values no configured key opens are left
   * alone (and counted).
   */
  public Mono<Reencryption> reencrypt(Instant now) {
    SecretCipher current = keys.current();
    return mongo
        .find(Query.query(Criteria.where("keyId").ne(current.keyId())), SecretDocument.class)
        .concatMap(
            old -> {
              Optional<SecretCipher> key = keys.byId(old.keyId());
              if (key.isEmpty()) {
                return Mono.just(Outcome.UNREADABLE);
              }
              SecretCipher.Sealed sealed;
              try {
                sealed = current.seal(old.name(), key.get().open(old.name(), old.sealed()));
              } catch (SecretUnreadableException changed) {
                return Mono.just(Outcome.UNREADABLE); // changed in MongoDB: leave it for a look
              }
              Query unchanged =
                  Query.query(
                      Criteria.where("_id")
                          .is(old.name())
                          .and("keyId")
                          .is(old.keyId())
                          .and("nonce")
                          .is(old.nonce()));
              return mongo
                  .updateFirst(
                      unchanged,
                      new Update()
                          .set("ciphertext", sealed.ciphertext())
                          .set("nonce", sealed.nonce())
                          .set("keyId", sealed.keyId()),
                      SecretDocument.class)
                  .map(r -> r.getModifiedCount() > 0 ? Outcome.DONE : Outcome.RACED);
            })
        .collectList()
        .map(
            outcomes ->
                new Reencryption(
                    outcomes.stream().filter(Outcome.DONE::equals).count(),
                    outcomes.stream().filter(Outcome.UNREADABLE::equals).count()));
  }

  /**
   * What {@link #reencrypt} did.
   *
   * @param reencrypted values sealed again with the current key
   * @param unreadable values sealed by a key that is not configured (lost until it is)
   */
  public record Reencryption(long reencrypted, long unreadable) {}

  private enum Outcome {
    DONE,
    RACED,
    UNREADABLE
  }

  private String open(SecretDocument secret) {
    SecretCipher key =
        keys.byId(secret.keyId())
            .orElseThrow(
                () ->
                    new SecretUnreadableException(
                        secret.name(), "its key " + secret.keyId() + " is not configured"));
    return key.open(secret.name(), secret.sealed());
  }

  private static Map<String, String> ordered(Collection<String> names, Map<String, String> found) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String name : names) {
      if (found.containsKey(name)) {
        values.put(name, found.get(name));
      }
    }
    return values;
  }

  private static Query byName(String name) {
    return Query.query(Criteria.where("_id").is(name));
  }
}
