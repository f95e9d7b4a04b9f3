import { useInfiniteQuery } from "@tanstack/react-query";
import { getJson } from "../api";
import { when } from "../format";
import type { WorkflowEvent, WorkflowPage } from "../model";
import { useVirtualRows } from "../virtualRows";

const ROW_HEIGHT = 28;

/** Details that say something went wrong; their events are marked. */
const FAILURE = "failureMessage";

/**
 * The Temporal workflow behind an execution (or one of its lanes): its history as Temporal
 * recorded it, a page at a time, with the activities' attempts and failures, the child workflows
 * to open, and the Temporal Web UI link when one is configured.
 */
export function WorkflowPanel(props: {
  executionId: string;
  workflow: string | null;
  onOpen: (workflowId: string | null) => void;
}) {
  const base = `/api/v1/executions/${encodeURIComponent(props.executionId)}/workflow`;
  const history = useInfiniteQuery({
    // Not under the execution's key: its live notices would re-read every page loaded so far.
    queryKey: ["workflow", props.executionId, props.workflow],
    queryFn: ({ pageParam }) => {
      const query = new URLSearchParams();
      if (props.workflow) {
        query.set("workflow", props.workflow);
      }
      if (pageParam) {
        query.set("pageToken", pageParam);
      }
      const q = query.toString();
      return getJson<WorkflowPage>(q ? `${base}?${q}` : base);
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
  });

  if (history.error) {
    return (
      <p role="alert" className="error">
        {history.error.message}
      </p>
    );
  }
  const pages = history.data?.pages;
  if (!pages) {
    return <p>Loading the workflow…</p>;
  }
  const first = pages[0];
  const events = pages.flatMap((p) => p.events);
  const children = pages.flatMap((p) => p.children);
  return (
    <section aria-label="Workflow" data-testid="workflow">
      <p>
        {props.workflow ? (
          <>
            Lane <code>{props.workflow}</code> ·{" "}
            <button onClick={() => props.onOpen(null)}>Back to the execution's workflow</button>
          </>
        ) : (
          <>
            Workflow <code>{first.workflowId ?? "—"}</code>
          </>
        )}
        {first.workflowUrl && (
          <>
            {" · "}
            <a href={first.workflowUrl} target="_blank" rel="noreferrer noopener">
              Open in the Temporal Web UI
            </a>
          </>
        )}
      </p>
      {!first.available ? (
        <p data-testid="workflow-unavailable">{first.reason}</p>
      ) : (
        <>
          {children.length > 0 && (
            <>
              <h3>Child workflows</h3>
              <ul aria-label="Child workflows">
                {children.map((c) => (
                  <li key={c.workflowId}>
                    <button onClick={() => props.onOpen(c.workflowId)}>{c.workflowId}</button> (
                    {c.workflowType})
                  </li>
                ))}
              </ul>
            </>
          )}
          <EventsTable events={events} />
          <p className="pager">
            {history.hasNextPage && (
              <button onClick={() => void history.fetchNextPage()} disabled={history.isFetchingNextPage}>
                Load more events
              </button>
            )}
            <button onClick={() => void history.refetch()} disabled={history.isFetching}>
              Refresh
            </button>
            <span>{events.length} events</span>
          </p>
        </>
      )}
    </section>
  );
}

/** Payloads show as sizes, so details are short: `key=value` pairs. */
export function describe(details: Record<string, string | number>): string {
  return Object.entries(details)
    .map(([k, v]) => `${k}=${v}`)
    .join(" · ");
}

/** Only the rows in view are in the DOM: a long history scrolls like a short one. */
function EventsTable(props: { events: WorkflowEvent[] }) {
  const { scroller, items, before, after } = useVirtualRows(props.events.length, ROW_HEIGHT);
  return (
    <div ref={scroller} className="results-scroll" role="region" aria-label="Workflow events" tabIndex={0}>
      <table className="grid events">
        <thead>
          <tr>
            <th>Id</th>
            <th>Event</th>
            <th>Time</th>
            <th>Details</th>
          </tr>
        </thead>
        <tbody>
          {before > 0 && <tr style={{ height: before }} aria-hidden="true" />}
          {items.map((item) => {
            const e = props.events[item.index];
            return (
              <tr
                key={e.eventId}
                data-event-type={e.eventType}
                className={FAILURE in e.details || e.eventType.endsWith("Failed") ? "status-failed" : undefined}
              >
                <td>{e.eventId}</td>
                <td>{e.eventType}</td>
                <td>{when(e.time)}</td>
                <td className="details-cell" title={describe(e.details)}>
                  {describe(e.details)}
                </td>
              </tr>
            );
          })}
          {after > 0 && <tr style={{ height: after }} aria-hidden="true" />}
        </tbody>
      </table>
    </div>
  );
}
