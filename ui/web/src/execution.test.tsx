import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { MeContext } from "./me";
import type { Me } from "./model";
import { ExecutionPage, LiveProgress } from "./pages/Execution";
import { isImage, Screenshot } from "./Screenshot";

const EXECUTION = {
  id: "e1",
  number: 7,
  scenarioId: "s1",
  scenarioName: "nightly",
  state: "pending",
  result: null,
  counters: { ok: 1, failed: 1, partial: 0, inconclusive: 0 },
  machines: [{ machineId: "m1", name: "lab-1", state: "timeout", plannedStartAt: null, startedAt: null }],
  requestedAt: null,
  startedAt: null,
  finishedAt: null,
  reason: null,
  requestedBy: "ada",
  waiting: {
    since: null,
    waitedMs: 10,
    reason: "no matching machine is online",
    machines: [{ name: "lab-2", matches: true, status: "offline", why: "offline since 10:00" }],
  },
  rerunOf: null,
};

function result(id: string, status: string) {
  return {
    id,
    testId: `test-${id}`,
    case: null,
    machine: "lab-1",
    attempt: 1,
    status,
    message: null,
    description: null,
    durationMs: 5,
    attachments: [],
    screenshots: [],
    custom: null,
    flaky: false,
  };
}

const WORKFLOW = {
  available: true,
  reason: null,
  workflowId: "execution-e1",
  workflowUrl: "http://temporal-ui/namespaces/default/workflows/execution-e1",
  events: [
    { eventId: 1, eventType: "WorkflowExecutionStarted", time: "2026-12-05T10:00:00Z", details: { inputBytes: 42 } },
    { eventId: 5, eventType: "ActivityTaskScheduled", time: "2026-12-05T10:00:01Z", details: { activityType: "Dispatch", inputBytes: 120 } },
    { eventId: 6, eventType: "ActivityTaskStarted", time: "2026-12-05T10:00:02Z", details: { attempt: 3, failureMessage: "agent gone" } },
    { eventId: 9, eventType: "StartChildWorkflowExecutionInitiated", time: "2026-12-05T10:00:03Z", details: { childWorkflowId: "execution-e1-lane-0" } },
  ],
  children: [
    { workflowId: "execution-e1-lane-0", workflowType: "LaneWorkflow", path: "/api/v1/executions/e1/workflow?workflow=execution-e1-lane-0", workflowUrl: null },
  ],
  next: null,
};

function renderAs(me: Me, url: string) {
  window.history.replaceState(null, "", url);
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string) => {
      const path = url.split("?")[0];
      const body = path.endsWith("/results")
        ? { items: [result("a", "ok"), result("b", "failed")], page: 0, size: 2, total: 2 }
        : path.endsWith("/logs")
          ? { items: [], size: 500, next: null }
          : path.endsWith("/workflow")
            ? WORKFLOW
            : EXECUTION;
      return new Response(JSON.stringify(body));
    }),
  );
  render(
    <QueryClientProvider client={new QueryClient()}>
      <MeContext.Provider value={me}>
        <ExecutionPage id="e1" />
      </MeContext.Provider>
    </QueryClientProvider>,
  );
}

describe("ExecutionPage", () => {
  beforeAll(() => {
    Object.defineProperty(HTMLElement.prototype, "clientHeight", { configurable: true, get: () => 480 });
    Object.defineProperty(HTMLElement.prototype, "clientWidth", { configurable: true, get: () => 800 });
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it("givenFailedOnlyInTheUrl_whenShown_thenOnlyTheFailedResultIsListed", async () => {
    renderAs({ tokenId: "t", name: "ada", role: "operator" }, "/executions/e1?failed=1");
    await screen.findByText("test-b");
    expect(screen.queryByText("test-a")).toBeNull();
    expect((screen.getByLabelText("Failed only") as HTMLInputElement).checked).toBe(true);
    expect(screen.getByRole("button", { name: "Cancel" })).toBeTruthy();
  });

  it("givenAWaitingExecution_whenShown_thenWhyItWaitsAndMachineLost", async () => {
    renderAs({ tokenId: "t", name: "ada", role: "operator" }, "/executions/e1");
    expect(await screen.findByText("no matching machine is online")).toBeTruthy();
    expect(screen.getByText(/lab-2 \(offline, matches\): offline since 10:00/)).toBeTruthy();
    expect(screen.getByText("lab-1: timeout (machine lost)")).toBeTruthy();
    await screen.findByText("test-a");
  });

  it("givenAViewer_whenShown_thenNoCancelOrRerunButJunitDownload", async () => {
    renderAs({ tokenId: "t", name: "vic", role: "viewer" }, "/executions/e1");
    await screen.findByText("test-a");
    expect(screen.queryByRole("button", { name: "Cancel" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Re-run failed" })).toBeNull();
    expect(screen.getByRole("button", { name: "Download JUnit XML" })).toBeTruthy();
  });

  it("givenTheWorkflowView_whenShown_thenEventsAttemptsFailuresChildrenAndTheWebUiLink", async () => {
    renderAs({ tokenId: "t", name: "vic", role: "viewer" }, "/executions/e1?view=workflow");
    await screen.findByText("ActivityTaskScheduled");
    expect(screen.getByText(/attempt=3 · failureMessage=agent gone/)).toBeTruthy();
    expect(document.querySelector("tr[data-event-type=ActivityTaskStarted]")!.className).toBe("status-failed");
    expect(screen.getByRole("button", { name: "execution-e1-lane-0" })).toBeTruthy();
    const link = screen.getByRole("link", { name: "Open in the Temporal Web UI" }) as HTMLAnchorElement;
    expect(link.href).toBe(WORKFLOW.workflowUrl);
    expect(screen.queryByText("test-a")).toBeNull();
  });
});

describe("LiveProgress", () => {
  afterEach(() => cleanup());

  it("givenARunningExecution_whenShown_thenABarOfTheRunsDoneAndTheTestsRunningNow", () => {
    render(
      <LiveProgress
        execution={{
          ...EXECUTION,
          state: "running",
          waiting: null,
          progress: { tests: 10, done: 4 },
          running: [
            { testId: "login", machine: "lab-1", attempt: 1, since: null },
            { testId: "cart", machine: "lab-2", attempt: 2, since: null },
          ],
        }}
      />,
    );
    const bar = screen.getByLabelText("Test runs done") as HTMLProgressElement;
    expect(bar.value).toBe(4);
    expect(bar.max).toBe(10);
    expect(screen.getByText("4 / 10 test runs done", { exact: false })).toBeTruthy();
    const items = screen.getAllByRole("listitem").map((li) => li.textContent);
    expect(items[0]).toMatch(/^login on lab-1 · since/);
    expect(items[1]).toMatch(/^cart on lab-2 \(attempt 2\) · since/);
  });

  it("givenARunningExecutionWithoutRunningTests_whenShown_thenItSaysSo", () => {
    render(<LiveProgress execution={{ ...EXECUTION, state: "running", waiting: null }} />);
    expect(screen.queryByLabelText("Test runs done")).toBeNull();
    expect(screen.getByText("No test is running right now.")).toBeTruthy();
  });
});

describe("Screenshot", () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it("givenAPngScreenshot_whenShown_thenFetchedWithTheTokenAndShownAsABlobImage", async () => {
    sessionStorage.setItem("cta.token", "cta_secret");
    const fetch = vi.fn(async () => new Response(new Blob([new Uint8Array([137, 80, 78, 71])])));
    vi.stubGlobal("fetch", fetch);
    vi.stubGlobal("URL", Object.assign(URL, { createObjectURL: () => "blob:shot", revokeObjectURL: () => {} }));
    render(
      <QueryClientProvider client={new QueryClient()}>
        <Screenshot file={{ id: "f1", name: "login.png", size: 4, url: "/api/v1/files/f1" }} />
      </QueryClientProvider>,
    );
    const image = (await screen.findByAltText("Screenshot login.png")) as HTMLImageElement;
    expect(image.getAttribute("src")).toBe("blob:shot");
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/v1/files/f1");
    expect(new Headers(init.headers).get("Authorization")).toBe("Bearer cta_secret");
    expect(isImage({ id: "f2", name: "trace.zip", size: 1, url: "" })).toBe(false);
    sessionStorage.clear();
  });
});
