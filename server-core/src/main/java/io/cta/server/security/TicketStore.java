package io.cta.server.security;

import java.time.Duration;
import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.mapping.Document;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Short-lived, single-use WebSocket tickets: a browser cannot set an {@code Authorization} header
 * on the handshake, so it trades its token for a ticket over REST and puts the ticket in the URL.
 * Tickets live in MongoDB, so any api process accepts a ticket that another one issued.
 */
@Service
public class TicketStore {

  public static final Duration LIFETIME = Duration.ofSeconds(30);

  private final ReactiveMongoTemplate mongo;

  public TicketStore(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
  }

  /** Stored under the SHA-256 of its secret, like a token. */
  @Document("ws-tickets")
  record Ticket(
      @Id String hash, String tokenId, String name, Role role, String machine, Instant expiresAt) {}

  public record Issued(String ticket, Instant expiresAt) {}

  /** A new ticket for the caller; also forgets expired ones, so the collection stays tiny. */
  public Mono<Issued> issue(CtaPrincipal caller, Instant now) {
    String secret = TokenStore.newSecret();
    Ticket ticket =
        new Ticket(
            TokenStore.hash(secret),
            caller.tokenId(),
            caller.name(),
            caller.role(),
            caller.machine(),
            now.plus(LIFETIME));
    return mongo
        .remove(Query.query(Criteria.where("expiresAt").lt(now)), Ticket.class)
        .then(mongo.insert(ticket))
        .map(saved -> new Issued(secret, saved.expiresAt()));
  }

  /**
   * The caller a ticket was issued to, once: redeeming removes it. Empty when unknown or expired.
   */
  public Mono<CtaPrincipal> redeem(String secret, Instant now) {
    return mongo
        .findAndRemove(Query.query(Criteria.where("_id").is(TokenStore.hash(secret))), Ticket.class)
        .filter(t -> t.expiresAt().isAfter(now))
        .map(t -> new CtaPrincipal(t.tokenId(), t.name(), t.role(), t.machine()));
  }
}
