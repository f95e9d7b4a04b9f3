package io.cta.api.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class WorkflowLinksTest {

  @Test
  void givenAUiUrl_whenLinkingAWorkflow_thenTheLinkIsTheUisWorkflowPageWithEncodedSegments() {
    WorkflowLinks links = WorkflowLinks.of("http://127.0.0.1:8233/", "team a");

    assertEquals(
        "http://127.0.0.1:8233/namespaces/team%20a/workflows/execution-42%2F1",
        links.workflowUrl("execution-42/1"));
  }

  @Test
  void givenNoUiUrl_whenLinkingAWorkflow_thenThereIsNoLink() {
    assertNull(WorkflowLinks.of(" ", "default").workflowUrl("execution-1"));
    assertNull(WorkflowLinks.of(null, "default").workflowUrl("execution-1"));
    assertNull(WorkflowLinks.of("http://ui", "default").workflowUrl(null));
  }
}
