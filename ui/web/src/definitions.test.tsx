import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MeContext } from "./me";
import type { Me } from "./model";
import { scenarioBody, scenarioForm, ScenarioEditPage } from "./pages/definitions/ScenarioEdit";

const SCENARIO = {
  id: "s1",
  name: "nightly",
  description: null,
  testSuiteId: "suite1",
  configurationId: "cfg1",
  pendingTimeout: 1_800_000,
  runningTimeout: 7_200_000,
  retries: 0,
  concurrency: null,
  notifications: [{ type: "webhook", url: "https://hooks.example/x", secretSet: true, to: null, scenarioId: null, on: "not-ok" }],
  retention: null,
  schedule: null,
  createdAt: null,
  updatedAt: "2026-12-05T10:00:00Z",
};

const problem = (status: number, detail: string) =>
  new Response(JSON.stringify({ type: "about:blank", title: "Bad Request", status, detail, instance: "/api/v1/scenarios/s1" }), {
    status,
    headers: { "Content-Type": "application/problem+json" },
  });

function renderScenario(me: Me, put: (init: RequestInit) => Response, scenario: object = SCENARIO) {
  const fetch = vi.fn(async (path: string, init?: RequestInit) => {
    if (init?.method === "PUT") {
      return put(init);
    }
    if (init?.method === "POST") {
      return new Response(JSON.stringify({}));
    }
    if (path === "/api/v1/scenarios/s1") {
      return new Response(JSON.stringify(scenario), { headers: { ETag: '"1733392800000"' } });
    }
    const item = path.includes("suites") ? { id: "suite1", name: "smoke" } : { id: "cfg1", name: "linux lab" };
    return new Response(JSON.stringify({ items: [item], page: 0, size: 500, total: 1 }));
  });
  vi.stubGlobal("fetch", fetch);
  render(
    <QueryClientProvider client={new QueryClient()}>
      <MeContext.Provider value={me}>
        <ScenarioEditPage id="s1" />
      </MeContext.Provider>
    </QueryClientProvider>,
  );
  return fetch;
}

const OPERATOR: Me = { tokenId: "t", name: "op", role: "operator" };

describe("scenario editing", () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it("givenAnInvalidRetries_whenSaved_thenTheApisMessageShowsAtTheRetriesField", async () => {
    const fetch = renderScenario(OPERATOR, () => problem(400, "retries: must be less than or equal to 10"));
    const retries = (await screen.findByLabelText("Retries")) as HTMLInputElement;
    expect(retries.value).toBe("0");
    fireEvent.change(retries, { target: { value: "11" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));

    const message = await screen.findByText("must be less than or equal to 10");
    expect(message.getAttribute("data-error-for")).toBe("retries");
    expect(retries.getAttribute("aria-invalid")).toBe("true");
    expect(retries.getAttribute("aria-describedby")).toContain(message.id);
    expect(document.activeElement).toBe(retries); // focused, so the keyboard and the eye land there
    const put = fetch.mock.calls.find(([, init]) => init?.method === "PUT")!;
    expect(new Headers(put[1]!.headers).get("If-Match")).toBe('"1733392800000"');
    const body = JSON.parse(String(put[1]!.body));
    expect(body.retries).toBe(11);
    expect(body.notifications).toEqual([{ type: "webhook", url: "https://hooks.example/x", on: "not-ok" }]);
    expect(body.schedule).toBeUndefined();
  });

  it("givenSomeoneElseSavedFirst_whenSaved_thenChangedBySomeoneElseWithAReload", async () => {
    renderScenario(OPERATOR, () => problem(412, "the scenario changed since the If-Match version"));
    fireEvent.click(await screen.findByRole("button", { name: "Save" }));
    const stale = await screen.findByTestId("stale");
    expect(stale.textContent).toMatch(/Changed by someone else/);
    expect(screen.getByRole("button", { name: "Reload their version" })).toBeTruthy();
  });

  it("givenAViewer_whenTheScenarioShows_thenReadOnlyWithoutSaveOrRun", async () => {
    renderScenario({ tokenId: "t", name: "v", role: "viewer" }, () => problem(403, "no"));
    const name = (await screen.findByLabelText("Name")) as HTMLInputElement;
    expect(name.closest("fieldset")!.disabled).toBe(true);
    expect(screen.queryByRole("button", { name: "Save" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Run now" })).toBeNull();
  });

  it("givenAnActiveSchedule_whenPaused_thenThePauseCallAndTheScenarioIsReadAgain", async () => {
    const schedule = { cron: "0 2 * * *", timeZone: "UTC", at: null, overlap: "skip", state: "active", nextFires: [] };
    const fetch = renderScenario(OPERATOR, () => problem(400, "x"), { ...SCENARIO, schedule });
    expect((await screen.findByLabelText("Cron") as HTMLInputElement).value).toBe("0 2 * * *");
    const reads = () => fetch.mock.calls.filter(([p, init]) => p === "/api/v1/scenarios/s1" && init?.method === "GET").length;
    const before = reads();
    fireEvent.click(screen.getByRole("button", { name: "Pause" }));
    await vi.waitFor(() =>
      expect(fetch.mock.calls.map(([p, init]) => `${init?.method} ${p}`)).toContain("POST /api/v1/scenarios/s1/schedule/pause"),
    );
    await vi.waitFor(() => expect(reads()).toBe(before + 1));
  });

  it("givenANewScenario_whenCreated_thenPostedAndOpenedAtItsUrl", async () => {
    const posted: unknown[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (path: string, init?: RequestInit) => {
        if (init?.method === "POST") {
          posted.push(JSON.parse(String(init.body)));
          return new Response(JSON.stringify({ ...SCENARIO, id: "s2" }), { status: 201 });
        }
        const item = path.includes("suites") ? { id: "suite1", name: "smoke" } : { id: "cfg1", name: "linux lab" };
        return new Response(JSON.stringify({ items: [item], page: 0, size: 500, total: 1 }));
      }),
    );
    render(
      <QueryClientProvider client={new QueryClient()}>
        <MeContext.Provider value={OPERATOR}>
          <ScenarioEditPage id={null} />
        </MeContext.Provider>
      </QueryClientProvider>,
    );
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "fresh" } });
    await screen.findByRole("option", { name: "smoke" });
    fireEvent.change(screen.getByLabelText("Suite"), { target: { value: "suite1" } });
    fireEvent.change(screen.getByLabelText("Configuration"), { target: { value: "cfg1" } });
    fireEvent.click(screen.getByRole("button", { name: "Create scenario" }));
    await vi.waitFor(() => expect(window.location.pathname).toBe("/scenarios/s2"));
    expect(posted).toEqual([
      expect.objectContaining({ name: "fresh", testSuiteId: "suite1", configurationId: "cfg1", notifications: [], retention: null }),
    ]);
  });

  it("givenNotificationsThatDoNotParse_whenBuilt_thenRefusedAtTheFieldWithoutACall", () => {
    const form = { ...scenarioForm(null), notifications: "[{" };
    const built = scenarioBody(form);
    expect("invalid" in built && built.invalid.notifications).toMatch(/not valid JSON/);
  });

  it("givenTextInANumberField_whenBuilt_thenSentAsTextForTheApiToName", () => {
    const built = scenarioBody({ ...scenarioForm(null), retries: "many", retentionKind: "days", retention: "30" });
    expect("body" in built && built.body.retries).toBe("many");
    expect("body" in built && built.body.retention).toEqual({ days: 30 });
  });
});
