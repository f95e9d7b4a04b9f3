package io.cta.server.security;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/** A stored API token: only the SHA-256 of its secret is kept. */
@Document("tokens")
public record TokenDocument(
    @Id String id, String name, Role role, String machine, String hash, Instant createdAt) {}
