package io.cta.vm;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a new instance needs to start its CTA agent.
 *
 * @param name the machine name the agent registers under, minted for the lease
 * @param token the agent token minted for this lease only; never logged ({@link #toString()} hides
 *     it)
 * @param serverUrl the consumer's base URL the agent reports to
 * @param temporalTarget Temporal's frontend, {@code host:port}
 * @param properties the pool's properties, declared by the agent
 * @param groups the pool's groups, declared by the agent
 */
public record AgentBootstrap(
    String name,
    String token,
    String serverUrl,
    String temporalTarget,
    Map<String, String> properties,
    List<String> groups) {

  public AgentBootstrap {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(token, "token");
    properties = properties == null ? Map.of() : Map.copyOf(properties);
    groups = groups == null ? List.of() : List.copyOf(groups);
  }

  @Override
  public String toString() {
    return "AgentBootstrap[name="
        + name
        + ", token=***, serverUrl="
        + serverUrl
        + ", temporalTarget="
        + temporalTarget
        + ", properties="
        + properties
        + ", groups="
        + groups
        + "]";
  }
}
