package io.cta.server.security;

import io.cta.server.machine.AllowList;
import java.time.Instant;
import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.PersistenceCreator;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A stored API token: only the SHA-256 of its secret is kept.
 *
 * @param machine for an agent token: the only machine name it may speak for, and a name no other
 *     token may register (null: any name no bound token owns)
 * @param groups for an agent token: the groups (names or globs) its agent may declare; null: any
 * @param properties for an agent token: the properties its agent may declare, each with its allowed
 *     value globs; null: any
 */
@Document("tokens")
public record TokenDocument(
    @Id String id,
    String name,
    Role role,
    String machine,
    String hash,
    Instant createdAt,
    List<String> groups,
    List<AllowList.AllowedProperty> properties) {

  @PersistenceCreator
  public TokenDocument {}

  /** A token without allow-lists. */
  public TokenDocument(
      String id, String name, Role role, String machine, String hash, Instant createdAt) {
    this(id, name, role, machine, hash, createdAt, null, null);
  }

  /** What its agent may declare. */
  public AllowList allowList() {
    return new AllowList(groups, properties);
  }
}
