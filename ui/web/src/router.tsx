import { useSyncExternalStore, type MouseEvent, type ReactNode } from "react";

// A small history router: the console has a handful of pages, each with a URL that opens directly
// (the api serves index.html for them, see docs/ui.md). Filters live in the query string.

export type Route =
  | { page: "executions" }
  | { page: "execution"; id: string }
  | { page: "machines" }
  | { page: "scenarios" }
  | { page: "scenario"; id: string | null }
  | { page: "suites" }
  | { page: "suite"; id: string | null }
  | { page: "configurations" }
  | { page: "configuration"; id: string | null }
  | { page: "tokens" }
  | { page: "audit" }
  | { page: "secrets" }
  | { page: "not-found" };

/** Definition lists whose items open at `/<list>/<id>`, and `/<list>/new` for a new one. */
const DEFINITIONS = { scenarios: "scenario", suites: "suite", configurations: "configuration" } as const;
const ADMIN = ["tokens", "audit", "secrets"] as const;

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The page a path shows; keep in step with the api's UiPages (server-core). */
export function matchRoute(pathname: string): Route {
  const parts = pathname.split("/").filter((p) => p.length > 0);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === "executions")) {
    return { page: "executions" };
  }
  if (parts.length === 2 && parts[0] === "executions" && ID.test(parts[1])) {
    return { page: "execution", id: parts[1] };
  }
  if (parts.length === 1 && parts[0] === "machines") {
    return { page: "machines" };
  }
  const list = parts[0] as keyof typeof DEFINITIONS;
  if (parts.length === 1 && Object.hasOwn(DEFINITIONS, list)) {
    return { page: list };
  }
  if (parts.length === 2 && Object.hasOwn(DEFINITIONS, list) && ID.test(parts[1])) {
    return { page: DEFINITIONS[list], id: parts[1] === "new" ? null : parts[1] };
  }
  const admin = ADMIN.find((a) => a === parts[1]);
  if (parts.length === 2 && parts[0] === "admin" && admin) {
    return { page: admin };
  }
  return { page: "not-found" };
}

const listeners = new Set<() => void>();
window.addEventListener("popstate", () => listeners.forEach((l) => l()));

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function snapshot(): string {
  return window.location.pathname + window.location.search;
}

/** The current path and query; re-renders on navigation. */
export function useLocation(): { pathname: string; search: URLSearchParams } {
  const current = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(current, window.location.origin);
  return { pathname: url.pathname, search: url.searchParams };
}

export function navigate(to: string, replace = false): void {
  if (replace) {
    window.history.replaceState(null, "", to);
  } else {
    window.history.pushState(null, "", to);
  }
  listeners.forEach((l) => l());
}

/** Replaces the query string with these non-empty values (filters stay in the URL). */
export function setQuery(values: Record<string, string | undefined>): void {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value) {
      params.set(key, value);
    }
  }
  const query = params.toString();
  navigate(window.location.pathname + (query ? `?${query}` : ""), true);
}

export function Link(props: { to: string; children: ReactNode; className?: string }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) {
      return; // a new tab opens the URL directly
    }
    event.preventDefault();
    navigate(props.to);
  };
  return (
    <a href={props.to} onClick={onClick} className={props.className}>
      {props.children}
    </a>
  );
}
