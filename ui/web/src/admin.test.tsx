import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "./App";
import { MeContext } from "./me";
import type { Me } from "./model";
import { AuditPage } from "./pages/admin/Audit";
import { SecretsPage } from "./pages/admin/Secrets";
import { TokensPage } from "./pages/admin/Tokens";
import { navigate, useLocation } from "./router";
import { storeToken } from "./session";

const ADMIN: Me = { tokenId: "t0", name: "root", role: "admin" };
const SECRET_VALUE = "cta_s3cr3t-value-shown-once";

type Handler = (path: string, init?: RequestInit) => Response | undefined;

function stubFetch(handler: Handler) {
  const fetch = vi.fn(async (path: string, init?: RequestInit) => {
    const answer = handler(path, init);
    return answer ?? new Response(JSON.stringify({ status: 404, detail: "no" }), { status: 404 });
  });
  vi.stubGlobal("fetch", fetch);
  return fetch;
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status });
const page = (items: unknown[]) => ({ items, page: 0, size: 500, total: items.length });

/** Shows the tokens page at /admin/tokens and something else elsewhere, like the app's router. */
function TokensOrElsewhere() {
  const { pathname } = useLocation();
  return pathname === "/admin/tokens" ? <TokensPage /> : <p>elsewhere</p>;
}

function renderAs(me: Me, element: React.ReactNode, client = new QueryClient()) {
  render(
    <QueryClientProvider client={client}>
      <MeContext.Provider value={me}>{element}</MeContext.Provider>
    </QueryClientProvider>,
  );
  return client;
}

describe("admin pages", () => {
  beforeEach(() => window.history.replaceState(null, "", "/"));
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
    sessionStorage.clear();
    localStorage.clear();
  });

  it("givenAnAdminCreatingAToken_whenShownThenNavigatingAway_thenTheValueIsGoneAndNeverKept", async () => {
    const created: unknown[] = [];
    const fetch = stubFetch((path, init) => {
      if (path === "/api/v1/tokens" && init?.method === "POST") {
        created.push(JSON.parse(String(init.body)));
        return json({ id: "t9", name: "ci", role: "operator", createdAt: null, token: SECRET_VALUE }, 201);
      }
      if (path === "/api/v1/tokens") {
        return json(page(created.length ? [{ id: "t9", name: "ci", role: "operator", createdAt: null }] : []));
      }
    });
    navigate("/admin/tokens");
    const client = renderAs(ADMIN, <TokensOrElsewhere />);

    fireEvent.change(await screen.findByLabelText("Name"), { target: { value: "ci" } });
    fireEvent.change(screen.getByLabelText("Role"), { target: { value: "operator" } });
    fireEvent.click(screen.getByRole("button", { name: "Create token" }));

    const value = (await screen.findByLabelText("Token value")) as HTMLInputElement;
    expect(value.value).toBe(SECRET_VALUE);
    expect(screen.getByText(/shown only this once/)).toBeTruthy();
    expect(screen.getByRole("button", { name: "Copy" })).toBeTruthy();
    expect(created).toEqual([{ name: "ci", role: "operator" }]);

    act(() => navigate("/executions"));
    await screen.findByText("elsewhere");
    act(() => navigate("/admin/tokens"));
    await screen.findByRole("cell", { name: "ci" });
    expect(screen.queryByLabelText("Token value")).toBeNull();
    expect(document.body.innerHTML).not.toContain(SECRET_VALUE);
    // Nowhere the console keeps things: no cache, no storage, no URL.
    const cached = JSON.stringify([
      client.getQueryCache().getAll().map((q) => q.state.data),
      client.getMutationCache().getAll().map((m) => m.state.data),
    ]);
    expect(cached).not.toContain(SECRET_VALUE);
    expect(JSON.stringify({ ...sessionStorage, ...localStorage })).not.toContain(SECRET_VALUE);
    expect(window.location.href).not.toContain(SECRET_VALUE);
    expect(fetch).toHaveBeenCalled();
  });

  it("givenARevoke_whenConfirmed_thenTheTokenIsDeleted", async () => {
    const fetch = stubFetch((path, init) => {
      if (init?.method === "DELETE") {
        return new Response(null, { status: 204 });
      }
      if (path === "/api/v1/tokens") {
        return json(page([{ id: "t1", name: "old", role: "viewer", createdAt: null }]));
      }
    });
    renderAs(ADMIN, <TokensPage />);
    fireEvent.click(await screen.findByRole("button", { name: "Revoke" }));
    expect(fetch.mock.calls.some(([, init]) => init?.method === "DELETE")).toBe(false);
    fireEvent.click(screen.getByRole("button", { name: "Yes, revoke" }));
    await vi.waitFor(() =>
      expect(fetch.mock.calls.map(([p, init]) => `${init?.method} ${p}`)).toContain("DELETE /api/v1/tokens/t1"),
    );
  });

  it.each(["viewer", "operator"] as const)("givenA%s_whenOpeningAdminPages_thenAdminsOnlyAndNoApiCall", async (role) => {
    const fetch = stubFetch(() => json(page([])));
    const me: Me = { tokenId: "t", name: "someone", role };
    for (const Page of [TokensPage, AuditPage, SecretsPage]) {
      renderAs(me, <Page />);
      expect(screen.getByTestId("admins-only").textContent).toMatch(/Admins only/);
      cleanup();
    }
    expect(fetch).not.toHaveBeenCalled();
  });

  it.each([
    ["admin", true],
    ["operator", false],
    ["viewer", false],
  ] as const)("givenA%sSignedIn_whenTheNavShows_thenAdminEntries%s", async (role, shown) => {
    storeToken("tok");
    stubFetch((path) => (path === "/api/v1/me" ? json({ tokenId: "t", name: "x", role }) : undefined));
    render(
      <QueryClientProvider client={new QueryClient()}>
        <App />
      </QueryClientProvider>,
    );
    const nav = await screen.findByRole("navigation", { name: "Main" });
    expect(nav.textContent).toContain("Scenarios");
    for (const entry of ["Tokens", "Audit log", "Secrets"]) {
      expect(nav.textContent?.includes(entry)).toBe(shown);
    }
  });

  it("givenAuditFiltersInTheUrl_whenListed_thenPassedAndPagedNewestFirst", async () => {
    const fetch = stubFetch((path) =>
      path.startsWith("/api/v1/audit")
        ? json({
            items: [{ id: "a1", at: "2026-12-05T10:00:00Z", by: "ci", role: "operator", method: "PUT", path: "/api/v1/scenarios/s1", resource: "scenarios", resourceId: "s1", status: 412 }],
            page: 1,
            size: 50,
            total: 120,
          })
        : undefined,
    );
    navigate("/admin/audit?resource=scenarios&evil=1&page=1");
    renderAs(ADMIN, <AuditPage />);
    await screen.findByText("PUT /api/v1/scenarios/s1");
    expect(fetch.mock.calls[0][0]).toBe("/api/v1/audit?resource=scenarios&page=1&size=50");
    expect((screen.getByLabelText("Resource") as HTMLInputElement).value).toBe("scenarios");
    fireEvent.click(screen.getByRole("button", { name: "Older" }));
    expect(window.location.search).toBe("?resource=scenarios&page=2");
  });

  it("givenASecretValue_whenSet_thenSentOnceFromAPasswordFieldAndClearedAfter", async () => {
    const bodies: string[] = [];
    stubFetch((path, init) => {
      if (init?.method === "PUT") {
        bodies.push(String(init.body));
        return json({ name: "db-pass", createdAt: null, updatedAt: null });
      }
      if (path.startsWith("/api/v1/secrets")) {
        return json(page([{ name: "db-pass", createdAt: null, updatedAt: null }]));
      }
    });
    renderAs(ADMIN, <SecretsPage />);
    fireEvent.click(await screen.findByRole("button", { name: "Set value" }));
    const value = screen.getByLabelText("Value") as HTMLInputElement;
    expect(value.type).toBe("password");
    fireEvent.change(value, { target: { value: "hunter2" } });
    fireEvent.click(screen.getAllByRole("button", { name: "Set value" })[0]);
    await screen.findByText('Secret "db-pass" saved.');
    expect(bodies).toEqual([JSON.stringify({ name: "db-pass", value: "hunter2" })]);
    expect((screen.getByLabelText("Value") as HTMLInputElement).value).toBe("");
    expect(document.body.innerHTML).not.toContain("hunter2");
  });
});
