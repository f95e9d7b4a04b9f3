import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MeContext } from "./me";
import type { Me } from "./model";
import { ScenariosPage } from "./pages/Scenarios";

const SCENARIOS = { items: [{ id: "s1", name: "nightly", description: null }], page: 0, size: 500, total: 1 };

function renderAs(me: Me) {
  vi.stubGlobal(
    "fetch",
    vi.fn(async () => new Response(JSON.stringify(SCENARIOS), { status: 200 })),
  );
  render(
    <QueryClientProvider client={new QueryClient()}>
      <MeContext.Provider value={me}>
        <ScenariosPage />
      </MeContext.Provider>
    </QueryClientProvider>,
  );
}

describe("role-aware controls", () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it("givenAViewer_whenScenariosShow_thenNoRunButton", async () => {
    renderAs({ tokenId: "t", name: "watcher", role: "viewer" });
    await screen.findByText("nightly");
    expect(screen.queryByRole("button", { name: "Run now" })).toBeNull();
  });

  it("givenAnOperator_whenScenariosShow_thenARunButton", async () => {
    renderAs({ tokenId: "t", name: "runner", role: "operator" });
    expect(await screen.findByRole("button", { name: "Run now" })).toBeTruthy();
  });
});
