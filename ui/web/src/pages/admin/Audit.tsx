import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { getJson } from "../../api";
import { when } from "../../format";
import type { AuditEntry, Page } from "../../model";
import { Link, setQuery, useLocation } from "../../router";
import { AdminOnly } from "./AdminOnly";

/** The filters `GET /api/v1/audit` takes (docs/api.md, "Audit log"); they live in the URL. */
const FILTERS = ["by", "resource", "resourceId"] as const;
const SIZE = 50;

/** The list request's query: the URL's filters as values, and its page. */
export function auditQuery(search: URLSearchParams): string {
  const params = new URLSearchParams();
  for (const name of FILTERS) {
    const value = search.get(name);
    if (value) {
      params.set(name, value);
    }
  }
  params.set("page", search.get("page") ?? "0");
  params.set("size", String(SIZE));
  return params.toString();
}

function filters(search: URLSearchParams): Record<string, string> {
  return Object.fromEntries(FILTERS.map((f) => [f, search.get(f) ?? ""]).filter(([, v]) => v));
}

export function AuditPage() {
  return (
    <AdminOnly title="Audit log">
      <Audit />
    </AdminOnly>
  );
}

function Audit() {
  const { search } = useLocation();
  const query = auditQuery(search);
  const list = useQuery({
    queryKey: ["audit", query],
    queryFn: () => getJson<Page<AuditEntry>>(`/api/v1/audit?${query}`),
    placeholderData: keepPreviousData,
  });
  const page = Number(search.get("page") ?? "0");
  const [values, setValues] = useState(() => filters(search));
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setQuery(values); // back to the first page
  };

  return (
    <section>
      <h1>Audit log</h1>
      <form className="filters" onSubmit={apply} aria-label="Filters">
        {FILTERS.map((name) => (
          <span key={name} className="inline">
            <label htmlFor={`audit-${name}`}>{{ by: "By (token name)", resource: "Resource", resourceId: "Resource id" }[name]}</label>
            <input
              id={`audit-${name}`}
              value={values[name] ?? ""}
              placeholder={name === "resource" ? "scenarios, tokens, secrets…" : undefined}
              onChange={(e) => setValues({ ...values, [name]: e.target.value })}
            />
          </span>
        ))}
        <button type="submit">Apply</button>
      </form>
      {list.error && (
        <p role="alert" className="error">
          {list.error.message}
        </p>
      )}
      <table className="grid" aria-label="Audit log">
        <thead>
          <tr>
            <th>When</th>
            <th>By</th>
            <th>Role</th>
            <th>Request</th>
            <th>Resource</th>
            <th>Status</th>
            <th>For</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.items.map((e) => (
            <tr key={e.id} data-audit={e.id}>
              <td>{when(e.at)}</td>
              <td>{e.by}</td>
              <td>{e.role}</td>
              <td>
                {e.method} {e.path}
              </td>
              <td>
                {e.resource}
                {e.resourceId ? ` ${e.resourceId}` : ""}
              </td>
              <td className={e.status >= 400 ? "error" : undefined}>{e.status}</td>
              <td>
                {e.executionId ? (
                  <Link to={`/executions/${e.executionId}`}>
                    {e.testId} #{e.attempt}
                  </Link>
                ) : (
                  "—"
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data && list.data.items.length === 0 && <p>No entries match.</p>}
      {list.data && (
        <nav className="pager" aria-label="Pages">
          <button disabled={page === 0} onClick={() => setQuery({ ...filters(search), page: String(page - 1) })}>
            Newer
          </button>
          <span>
            Page {page + 1} of {Math.max(1, Math.ceil(list.data.total / SIZE))}
          </span>
          <button
            disabled={(page + 1) * SIZE >= list.data.total}
            onClick={() => setQuery({ ...filters(search), page: String(page + 1) })}
          >
            Older
          </button>
        </nav>
      )}
    </section>
  );
}
