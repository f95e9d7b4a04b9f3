package io.cta.vm;

import java.util.Map;
import java.util.Objects;

/**
 * One instance to create.
 *
 * @param requestId the idempotency key: the same id answers the same instance (a lease derives it
 *     from its own id and attempt, docs/vm-manager.md#timeouts)
 * @param tags what the instance is tagged with, so that the reconciler finds who owns it
 * @param template what the pool asks of the provider (image, size; each provider reads its own
 *     keys)
 * @param agent the CTA agent the instance starts
 */
public record CreateRequest(
    String requestId, InstanceTags tags, Map<String, String> template, AgentBootstrap agent) {

  public CreateRequest {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(tags, "tags");
    Objects.requireNonNull(agent, "agent");
    template = template == null ? Map.of() : Map.copyOf(template);
  }
}
