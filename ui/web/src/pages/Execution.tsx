import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { download, getJson, postJson } from "../api";
import { AnsiText } from "../AnsiText";
import { bytes, counters, duration, when } from "../format";
import { useLiveRefresh } from "../live";
import { EMPTY_TAIL, readTail, type TailState } from "../logTail";
import { canOperate, type Execution, type LogChunk, type LogTailPage, type Page, type Result } from "../model";
import { useMe } from "../me";
import { Link, navigate, setQuery, useLocation } from "../router";
import { ResultsTable } from "./ResultsTable";
import { isImage, Screenshot } from "../Screenshot";
import { WorkflowPanel } from "./WorkflowPanel";

const ENDED = new Set(["finished", "canceled", "timeout", "error"]);

/** Results per page: the api's largest; the table virtualizes its rows. */
export const RESULTS_PAGE = 500;

/** Log chunks per tail read. */
const LOG_PAGE = 500;

export function ExecutionPage(props: { id: string }) {
  const me = useMe();
  const client = useQueryClient();
  const { search } = useLocation();
  const failedOnly = search.get("failed") === "1";
  const selected = search.get("result");
  const view = search.get("view") === "workflow" ? "workflow" : "results";
  const workflow = search.get("workflow");
  const page = Math.max(0, Number.parseInt(search.get("page") ?? "0", 10) || 0);
  const base = `/api/v1/executions/${encodeURIComponent(props.id)}`;
  const interval = useLiveRefresh(`execution:${props.id}`, [["execution", props.id]]);

  const execution = useQuery({
    queryKey: ["execution", props.id],
    queryFn: () => getJson<Execution>(base),
    refetchInterval: interval,
  });
  const ended = execution.data ? ENDED.has(execution.data.state) : false;
  const results = useQuery({
    queryKey: ["execution", props.id, "results", page],
    queryFn: () => getJson<Page<Result>>(`${base}/results?page=${page}&size=${RESULTS_PAGE}`),
    refetchInterval: ended ? false : interval,
  });
  const result = results.data?.items.find((r) => r.id === selected) ?? null;
  const logs = useLogTail(props.id, result?.testId ?? null, ended ? false : interval);

  const shown = useMemo(
    () => (results.data?.items ?? []).filter((r) => !failedOnly || r.status !== "ok"),
    [results.data, failedOnly],
  );

  const cancel = useMutation({
    mutationFn: () => postJson<Execution>(`${base}/cancel`, { reason: "canceled from the console" }),
    onSettled: () => client.invalidateQueries({ queryKey: ["execution", props.id] }),
  });
  const rerun = useMutation({
    mutationFn: () => postJson<Execution>(`${base}/rerun`, { onlyFailed: true }),
    onSuccess: (e) => e && navigate(`/executions/${e.id}`),
  });
  const junit = useMutation({
    mutationFn: () => download(`${base}/junit`, `execution-${execution.data?.number ?? props.id}.xml`),
  });

  const params = (change: Record<string, string | undefined>) =>
    setQuery({
      failed: failedOnly ? "1" : undefined,
      result: selected ?? undefined,
      view: view === "workflow" ? "workflow" : undefined,
      workflow: workflow ?? undefined,
      page: page > 0 ? String(page) : undefined,
      ...change,
    });

  if (execution.error) {
    return (
      <section>
        <h1>Execution</h1>
        <p role="alert" className="error">
          {execution.error.message}
        </p>
        <Link to="/executions">All executions</Link>
      </section>
    );
  }
  const e = execution.data;
  if (!e) {
    return <p>Loading…</p>;
  }
  const error = cancel.error ?? rerun.error ?? junit.error;

  return (
    <section>
      <h1>
        {e.scenarioName} #{e.number}
      </h1>
      <dl className="facts">
        <dt>State</dt>
        <dd data-testid="state" className={`state state-${e.state}`}>
          {e.state}
        </dd>
        <dt>Result</dt>
        <dd data-testid="result">{e.result ?? "—"}</dd>
        <dt>Counters</dt>
        <dd data-testid="counters">{counters(e.counters)}</dd>
        <dt>Requested</dt>
        <dd>
          {when(e.requestedAt)} by {e.requestedBy ?? "—"}
        </dd>
        <dt>Started / finished</dt>
        <dd>
          {when(e.startedAt)} / {when(e.finishedAt)}
        </dd>
        {e.reason && (
          <>
            <dt>Reason</dt>
            <dd>{e.reason}</dd>
          </>
        )}
        {e.rerunOf && (
          <>
            <dt>Re-run of</dt>
            <dd>
              <Link to={`/executions/${e.rerunOf}`}>{e.rerunOf}</Link>
            </dd>
          </>
        )}
      </dl>
      <div className="actions">
        {canOperate(me) && !ended && (
          <button onClick={() => cancel.mutate()} disabled={cancel.isPending}>
            Cancel
          </button>
        )}
        {canOperate(me) && ended && (
          <button onClick={() => rerun.mutate()} disabled={rerun.isPending}>
            Re-run failed
          </button>
        )}
        <button onClick={() => junit.mutate()} disabled={junit.isPending}>
          Download JUnit XML
        </button>
      </div>
      {error && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
      {e.state === "running" && <LiveProgress execution={e} />}
      {e.waiting && (
        <section aria-label="Why is it waiting">
          <h2>Why is it waiting</h2>
          <p>{e.waiting.reason ?? "A matching machine is free: the work is about to start."}</p>
          {e.waiting.machines && e.waiting.machines.length > 0 && (
            <ul>
              {e.waiting.machines.map((m) => (
                <li key={m.name}>
                  {m.name} ({m.status}, {m.matches ? "matches" : "does not match"})
                  {m.why ? `: ${m.why}` : ""}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      <h2>Machines</h2>
      <ul aria-label="Machines of this execution">
        {(e.machines ?? []).map((m) => (
          <li key={m.machineId ?? m.name}>
            {m.name}: {m.state === "timeout" ? "timeout (machine lost)" : m.state}
            {m.plannedStartAt && ` · planned start ${when(m.plannedStartAt)}`}
          </li>
        ))}
        {(e.machines ?? []).length === 0 && <li>No machine has taken part yet.</li>}
      </ul>
      <div className="tabs" role="tablist" aria-label="Views of this execution">
        <button
          role="tab"
          aria-selected={view === "results"}
          onClick={() => params({ view: undefined, workflow: undefined })}
        >
          Results and log
        </button>
        <button
          role="tab"
          aria-selected={view === "workflow"}
          onClick={() => params({ view: "workflow" })}
        >
          Workflow
        </button>
      </div>
      {view === "workflow" ? (
        <WorkflowPanel
          executionId={props.id}
          workflow={workflow}
          onOpen={(id) => params({ workflow: id ?? undefined })}
        />
      ) : (
        <>
          <h2>Results</h2>
          <label className="inline">
            <input
              type="checkbox"
              checked={failedOnly}
              onChange={(ev) => params({ failed: ev.target.checked ? "1" : undefined })}
            />
            Failed only
          </label>
          {results.error && (
            <p role="alert" className="error">
              {results.error.message}
            </p>
          )}
          <ResultsTable
            results={shown}
            selected={selected}
            onSelect={(id) => params({ result: id })}
          />
          {results.data && results.data.total > RESULTS_PAGE && (
            <ResultsPager
              page={page}
              total={results.data.total}
              onPage={(p) => params({ page: p > 0 ? String(p) : undefined, result: undefined })}
            />
          )}
          {result && <ResultDetails result={result} />}
          <h2>Log{result ? ` of ${result.case || result.testId}` : ""}</h2>
          {logs.dropped && <p className="help">Older output is not shown; the latest is.</p>}
          <LogView
            chunks={logs.chunks.filter((c) => !result || c.attempt === result.attempt)}
          />
        </>
      )}
    </section>
  );
}

/**
 * The execution's log (of one test when `testId` is set), tailed: the first read follows the
 * api's pages from the start, each refresh (a live notice, or the poll) asks only for what was
 * stored after the last position read.
 */
export function useLogTail(id: string, testId: string | null, interval: number | false): TailState {
  const client = useQueryClient();
  const base = `/api/v1/executions/${encodeURIComponent(id)}`;
  // Under the execution's key, so its live notices refresh the tail too.
  const key = ["execution", id, "log-tail", testId];
  const tail = useQuery({
    queryKey: key,
    queryFn: () =>
      readTail(
        (after) =>
          getJson<LogTailPage>(
            `${base}/logs?after=${after}&size=${LOG_PAGE}` +
              (testId === null ? "" : `&test=${encodeURIComponent(testId)}`),
          ),
        client.getQueryData<TailState>(key) ?? EMPTY_TAIL,
      ),
    refetchInterval: interval,
  });
  return tail.data ?? EMPTY_TAIL;
}

function ResultsPager(props: { page: number; total: number; onPage: (page: number) => void }) {
  const last = Math.ceil(props.total / RESULTS_PAGE) - 1;
  const from = props.page * RESULTS_PAGE + 1;
  const to = Math.min(props.total, (props.page + 1) * RESULTS_PAGE);
  return (
    <p className="pager" aria-label="Results pages">
      <button onClick={() => props.onPage(props.page - 1)} disabled={props.page <= 0}>
        Previous
      </button>
      <span>
        Results {from}–{to} of {props.total}
      </span>
      <button onClick={() => props.onPage(props.page + 1)} disabled={props.page >= last}>
        Next
      </button>
    </p>
  );
}

/** While it runs: a bar of the test runs done, and the tests its machines run now. */
export function LiveProgress(props: { execution: Execution }) {
  const { progress, running } = props.execution;
  return (
    <section aria-label="Progress">
      {progress && (
        <p className="progress">
          <progress aria-label="Test runs done" value={progress.done} max={Math.max(1, progress.tests)} />{" "}
          {progress.done} / {progress.tests} test runs done
        </p>
      )}
      <h2>Running now</h2>
      <ul aria-label="Tests running now">
        {(running ?? []).map((t) => (
          <li key={`${t.machine}/${t.testId}/${t.attempt}`}>
            {t.testId} on {t.machine}
            {t.attempt > 1 && ` (attempt ${t.attempt})`} · since {when(t.since)}
          </li>
        ))}
        {(running ?? []).length === 0 && <li>No test is running right now.</li>}
      </ul>
    </section>
  );
}

function ResultDetails(props: { result: Result }) {
  const r = props.result;
  const [error, setError] = useState<string | null>(null);
  const files = [...(r.attachments ?? []), ...(r.screenshots ?? [])];
  return (
    <section className="details" aria-label="Result details">
      <h2>{r.case || r.testId}</h2>
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          {r.status} (attempt {r.attempt}){r.flaky ? " · flaky" : ""}
        </dd>
        <dt>Duration</dt>
        <dd>{duration(r.durationMs)}</dd>
        <dt>Message</dt>
        <dd data-testid="message" className="pre">
          {r.message ?? "—"}
        </dd>
        <dt>Description</dt>
        <dd className="pre">{r.description ?? "—"}</dd>
      </dl>
      {r.custom && Object.keys(r.custom).length > 0 && (
        <table className="grid" aria-label="Custom data">
          <tbody>
            {Object.entries(r.custom).map(([k, v]) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td className="pre">{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {files.length > 0 && (
        <ul aria-label="Attachments">
          {files.map((f) => (
            <li key={f.id}>
              <button
                onClick={() => download(f.url, f.name).catch((e: Error) => setError(e.message))}
              >
                Download {f.name}
              </button>{" "}
              ({bytes(f.size)})
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {(r.screenshots ?? []).filter(isImage).map((f) => (
        <Screenshot key={f.id} file={f} />
      ))}
    </section>
  );
}

function LogView(props: { chunks: LogChunk[] }) {
  if (props.chunks.length === 0) {
    return <p>No log output.</p>;
  }
  return (
    <pre className="log" data-testid="log" tabIndex={0} aria-label="Log">
      {props.chunks.map((c) => (
        <span key={c.position ?? `${c.machine}-${c.seq}`} className={c.stream === "stderr" ? "stderr" : undefined}>
          <AnsiText text={c.text} />
        </span>
      ))}
    </pre>
  );
}
