import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { getJson } from "../api";
import { counters, when } from "../format";
import { useLiveRefresh } from "../live";
import type { Execution, Page } from "../model";
import { Link, setQuery, useLocation } from "../router";

const FILTERS = ["scenarioId", "state", "result", "machine", "from", "to"] as const;
const STATES = ["", "pending", "running", "finished", "canceled", "timeout", "error"];
const RESULTS = ["", "ok", "failed", "partial", "inconclusive"];

/** The query string of the list request: the page's URL filters, passed through as values. */
export function listQuery(search: URLSearchParams): string {
  const params = new URLSearchParams();
  for (const name of FILTERS) {
    const value = search.get(name);
    if (value) {
      params.set(name, value);
    }
  }
  params.set("page", search.get("page") ?? "0");
  params.set("size", "50");
  params.set("sort", "requestedAt,desc");
  return params.toString();
}

export function ExecutionsPage() {
  const { search } = useLocation();
  const query = listQuery(search);
  const interval = useLiveRefresh("executions", [["executions"]]);
  const list = useQuery({
    queryKey: ["executions", query],
    queryFn: () => getJson<Page<Execution>>(`/api/v1/executions?${query}`),
    refetchInterval: interval,
    placeholderData: keepPreviousData,
  });
  const page = Number(search.get("page") ?? "0");

  return (
    <section>
      <h1>Executions</h1>
      <Filters search={search} />
      {list.error && (
        <p role="alert" className="error">
          {list.error.message}
        </p>
      )}
      <table className="grid" aria-label="Executions">
        <thead>
          <tr>
            <th>#</th>
            <th>Scenario</th>
            <th>State</th>
            <th>Result</th>
            <th>Counters</th>
            <th>Requested</th>
            <th>By</th>
            <th>Finished</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.items.map((e) => (
            <tr key={e.id} data-execution={e.id}>
              <td>
                <Link to={`/executions/${e.id}`}>{e.number}</Link>
              </td>
              <td>{e.scenarioName}</td>
              <td className={`state state-${e.state}`}>{e.state}</td>
              <td className={`result result-${e.result ?? "none"}`}>{e.result ?? "—"}</td>
              <td>{counters(e.counters)}</td>
              <td>{when(e.requestedAt)}</td>
              <td>{e.requestedBy ?? "—"}</td>
              <td>{when(e.finishedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data && list.data.items.length === 0 && <p>No executions match.</p>}
      {list.data && (
        <nav className="pager" aria-label="Pages">
          <button
            disabled={page === 0}
            onClick={() => setQuery({ ...current(search), page: String(page - 1) })}
          >
            Previous
          </button>
          <span>
            Page {page + 1} of {Math.max(1, Math.ceil(list.data.total / 50))}
          </span>
          <button
            disabled={(page + 1) * 50 >= list.data.total}
            onClick={() => setQuery({ ...current(search), page: String(page + 1) })}
          >
            Next
          </button>
        </nav>
      )}
    </section>
  );
}

function current(search: URLSearchParams): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of FILTERS) {
    const value = search.get(name);
    if (value) {
      values[name] = value;
    }
  }
  return values;
}

function Filters(props: { search: URLSearchParams }) {
  const [values, setValues] = useState(() => current(props.search));
  const field = (name: (typeof FILTERS)[number]) => ({
    id: `filter-${name}`,
    value: values[name] ?? "",
    onChange: (e: { target: { value: string } }) => setValues({ ...values, [name]: e.target.value }),
  });
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setQuery(values); // back to the first page
  };
  return (
    <form className="filters" onSubmit={apply} aria-label="Filters">
      <label htmlFor="filter-scenarioId">Scenario id</label>
      <input {...field("scenarioId")} />
      <label htmlFor="filter-state">State</label>
      <select {...field("state")}>
        {STATES.map((s) => (
          <option key={s} value={s}>
            {s || "any"}
          </option>
        ))}
      </select>
      <label htmlFor="filter-result">Result</label>
      <select {...field("result")}>
        {RESULTS.map((s) => (
          <option key={s} value={s}>
            {s || "any"}
          </option>
        ))}
      </select>
      <label htmlFor="filter-machine">Machine</label>
      <input {...field("machine")} />
      <label htmlFor="filter-from">From (ISO time)</label>
      <input {...field("from")} placeholder="2026-12-01T00:00:00Z" />
      <label htmlFor="filter-to">To (ISO time)</label>
      <input {...field("to")} />
      <button type="submit">Apply</button>
    </form>
  );
}
