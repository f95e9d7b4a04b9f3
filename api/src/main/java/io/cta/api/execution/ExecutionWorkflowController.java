package io.cta.api.execution;

import io.cta.activities.ExecutionState;
import io.cta.server.error.InvalidInputException;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.temporal.WorkflowHistories;
import io.cta.server.web.PageRequest;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The Temporal workflow behind an execution: its history a page at a time, payloads as sizes only,
 * and its lane children (docs/api.md#the-workflow-behind-an-execution).
 */
@Tag(name = "execution-controller")
@RestController
@RequestMapping(path = "/api/v1/executions", produces = MediaType.APPLICATION_JSON_VALUE)
class ExecutionWorkflowController {

  static final int DEFAULT_SIZE = 200;

  /** Why there is no history to show, in the words the console shows. */
  static final String GONE = "history no longer available";

  static final String NOT_STARTED = "the workflow has not started yet";
  static final String IMPORTED = "no workflow: the results were imported";

  private final ExecutionStore executions;
  private final WorkflowHistories histories;
  private final WorkflowLinks links;

  ExecutionWorkflowController(
      ExecutionStore executions, WorkflowHistories histories, WorkflowLinks links) {
    this.executions = executions;
    this.histories = histories;
    this.links = links;
  }

  /**
   * A page of the history of the execution's workflow, or of one of its children ({@code workflow}:
   * a lane's id or the notifications' id, as the history lists them).
   */
  @GetMapping("/{id}/workflow")
  Mono<WorkflowView> workflow(
      @PathVariable String id,
      @RequestParam(required = false) String workflow,
      @RequestParam(required = false) Integer size,
      @RequestParam(required = false) String pageToken) {
    int limit = PageRequest.sizeOf(size, DEFAULT_SIZE);
    return executions
        .get(id)
        .flatMap(
            e -> {
              if (e.workflowId() == null) {
                return Mono.just(WorkflowView.unavailable(null, null, IMPORTED));
              }
              String workflowId = workflow == null ? e.workflowId() : belonging(e, workflow);
              String url = links.workflowUrl(workflowId);
              return histories
                  .page(workflowId, limit, pageToken)
                  .map(
                      page ->
                          page.map(p -> WorkflowView.of(id, workflowId, url, p, links))
                              .orElseGet(
                                  () ->
                                      WorkflowView.unavailable(
                                          workflowId,
                                          url,
                                          e.state() == ExecutionState.pending
                                                  && workflowId.equals(e.workflowId())
                                              ? NOT_STARTED
                                              : GONE)));
            });
  }

  /**
   * The workflow id if it is the execution's or one of its children's; anything else is refused, so
   * this endpoint never reads another execution's history.
   */
  private static String belonging(ExecutionDocument e, String workflow) {
    String root = e.workflowId();
    Pattern children =
        Pattern.compile(
            Pattern.quote(root) + "-lane-\\d{1,6}|" + Pattern.quote("notify-" + e.id()));
    if (!workflow.equals(root) && !children.matcher(workflow).matches()) {
      throw new InvalidInputException(
          "workflow: not a workflow of this execution (its own id, a lane's or its"
              + " notifications')");
    }
    return workflow;
  }

  /**
   * What the workflow panel shows.
   *
   * @param available false when Temporal has no history for it; {@code reason} says why
   * @param workflowUrl its page in the Temporal Web UI, or null when none is configured
   * @param events this page's events, oldest first; payloads as byte counts only
   * @param children the child workflows this page starts, each with the path of its own history
   * @param next the {@code pageToken} of the following page, or null on the last
   */
  record WorkflowView(
      boolean available,
      String reason,
      String workflowId,
      String workflowUrl,
      List<WorkflowHistories.Event> events,
      List<Child> children,
      String next) {

    static WorkflowView unavailable(String workflowId, String url, String reason) {
      return new WorkflowView(false, reason, workflowId, url, List.of(), List.of(), null);
    }

    static WorkflowView of(
        String executionId,
        String workflowId,
        String url,
        WorkflowHistories.Page page,
        WorkflowLinks links) {
      Map<String, Child> children = new LinkedHashMap<>();
      for (WorkflowHistories.Event event : page.events()) {
        if (event.eventType().equals("StartChildWorkflowExecutionInitiated")) {
          String child = (String) event.details().get("childWorkflowId");
          children.putIfAbsent(
              child,
              new Child(
                  child,
                  (String) event.details().get("workflowType"),
                  "/api/v1/executions/" + executionId + "/workflow?workflow=" + child,
                  links.workflowUrl(child)));
        }
      }
      return new WorkflowView(
          true, null, workflowId, url, page.events(), List.copyOf(children.values()), page.next());
    }
  }

  /** A child workflow: its history at {@code path}, its Web UI page at {@code workflowUrl}. */
  record Child(String workflowId, String workflowType, String path, String workflowUrl) {}
}
