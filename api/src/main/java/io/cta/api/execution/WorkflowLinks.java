package io.cta.api.execution;

import io.cta.server.config.CtaServerProperties;
import io.cta.temporal.TemporalSettings;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Links an execution to its workflow's page in the Temporal Web UI ({@code cta.temporal.ui-url}),
 * as the UI addresses workflows: {@code <ui>/namespaces/<namespace>/workflows/<workflow id>}.
 */
@Component
public class WorkflowLinks {

  private final String uiUrl;
  private final String namespace;

  @Autowired
  WorkflowLinks(CtaServerProperties properties, TemporalSettings settings) {
    this(
        properties.temporal() == null ? null : properties.temporal().uiUrl(), settings.namespace());
  }

  private WorkflowLinks(String uiUrl, String namespace) {
    this.uiUrl = uiUrl == null || uiUrl.isBlank() ? null : uiUrl.strip().replaceAll("/+$", "");
    this.namespace = namespace;
  }

  /** Links for this UI base URL (null or blank: none) and namespace. */
  public static WorkflowLinks of(String uiUrl, String namespace) {
    return new WorkflowLinks(uiUrl, namespace);
  }

  /** The workflow's page, or null without a configured UI or a workflow id. */
  public String workflowUrl(String workflowId) {
    if (uiUrl == null || workflowId == null) {
      return null;
    }
    return uiUrl + "/namespaces/" + encode(namespace) + "/workflows/" + encode(workflowId);
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
