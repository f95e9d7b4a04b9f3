package io.cta.server.security;

import io.cta.server.machine.AllowList;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import org.bson.types.ObjectId;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Creates, checks and revokes bearer tokens; a lookup is one unique-index query on the hash. */
@Service
public class TokenStore {

  /** The fixed id of the admin token given by CTA_ADMIN_TOKEN or the admin token file. */
  public static final String BOOTSTRAP_ADMIN_ID = "bootstrap-admin";

  /**
   * The shortest bootstrap admin token accepted. The admin token grants everything and is often
   * typed by hand; 32 characters of a generated token ({@link #newSecret()} gives 47) are beyond
   * guessing even without the throttling of failed authentications.
   */
  public static final int MIN_ADMIN_TOKEN_LENGTH = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * Refuses a bootstrap admin token shorter than {@link #MIN_ADMIN_TOKEN_LENGTH}, naming where it
   * came from but never the token.
   */
  public static String requireAdminTokenLength(String secret, String source) {
    String trimmed = secret.trim();
    if (trimmed.length() < MIN_ADMIN_TOKEN_LENGTH) {
      throw new IllegalArgumentException(
          source
              + " is too short: an admin token needs at least "
              + MIN_ADMIN_TOKEN_LENGTH
              + " characters, this one has "
              + trimmed.length()
              + "; generate one with: openssl rand -base64 32");
    }
    return trimmed;
  }

  private final ReactiveMongoTemplate mongo;

  public TokenStore(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
  }

  /** A new random secret: "cta_" and 32 random bytes, URL-safe. */
  public static String newSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return "cta_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public static String hash(String secret) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stores a token and returns it with its secret, the only time the secret is seen. */
  public Mono<CreatedToken> create(String name, Role role, String machine) {
    return create(name, role, machine, AllowList.ANY);
  }

  /** Stores a token with allow-lists (agent tokens) and returns it with its secret. */
  public Mono<CreatedToken> create(String name, Role role, String machine, AllowList allowed) {
    String secret = newSecret();
    TokenDocument token =
        new TokenDocument(
            new ObjectId().toHexString(),
            name,
            role,
            machine,
            hash(secret),
            Instant.now(),
            allowed.groups(),
            allowed.properties());
    return mongo.insert(token).map(saved -> new CreatedToken(saved, secret));
  }

  /** Installs (or replaces) the bootstrap admin token. */
  public Mono<TokenDocument> installBootstrapAdmin(String secret) {
    TokenDocument token =
        new TokenDocument(
            BOOTSTRAP_ADMIN_ID, "admin", Role.admin, null, hash(secret), Instant.now());
    return mongo.save(token);
  }

  public Mono<CtaPrincipal> authenticate(String secret) {
    return mongo
        .findOne(Query.query(Criteria.where("hash").is(hash(secret))), TokenDocument.class)
        .map(t -> new CtaPrincipal(t.id(), t.name(), t.role(), t.machine()));
  }

  public Mono<TokenDocument> find(String id) {
    return mongo.findById(id, TokenDocument.class);
  }

  /**
   * Whether a token other than {@code tokenId} is bound to this machine name: then only that token
   * may speak for it. A scan of the (small) tokens collection.
   */
  public Mono<Boolean> boundElsewhere(String machine, String tokenId) {
    return mongo.exists(
        Query.query(Criteria.where("machine").is(machine).and("_id").ne(tokenId)),
        TokenDocument.class);
  }

  /** Whether the token still exists (it was not revoked). */
  public Mono<Boolean> exists(String id) {
    return mongo.exists(Query.query(Criteria.where("_id").is(id)), TokenDocument.class);
  }

  public Flux<TokenDocument> list() {
    return mongo.find(new Query().with(Sort.by("createdAt")), TokenDocument.class);
  }

  /**
   * Revokes every token bound to this machine name: a VM machine's token dies with its machine
   * (docs/vm-manager.md); answers how many were revoked.
   */
  public Mono<Long> revokeBoundTo(String machine) {
    return mongo
        .remove(Query.query(Criteria.where("machine").is(machine)), TokenDocument.class)
        .map(r -> r.getDeletedCount());
  }

  public Mono<Boolean> revoke(String id) {
    return mongo
        .remove(Query.query(Criteria.where("_id").is(id)), TokenDocument.class)
        .map(r -> r.getDeletedCount() > 0);
  }

  public record CreatedToken(TokenDocument token, String secret) {}
}
