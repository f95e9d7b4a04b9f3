import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MeContext } from "./me";
import type { Me } from "./model";
import { MachinesPage } from "./pages/Machines";

const MACHINES = {
  items: [
    { id: "m1", name: "lab-1", hostname: null, os: null, status: "online", slots: 1, properties: { os: "linux" }, groups: ["web"], executions: [], lastSeenAt: null },
    { id: "m2", name: "lab-2", hostname: null, os: null, status: "draining", slots: 1, properties: {}, groups: [], executions: ["e1"], lastSeenAt: null },
  ],
  page: 0,
  size: 500,
  total: 2,
};

function renderAs(me: Me, machines: object = MACHINES) {
  const fetch = vi.fn(async (_path: string, init?: RequestInit) =>
    init?.method === "GET" ? new Response(JSON.stringify(machines)) : new Response(null, { status: 204 }),
  );
  vi.stubGlobal("fetch", fetch);
  render(
    <QueryClientProvider client={new QueryClient()}>
      <MeContext.Provider value={me}>
        <MachinesPage />
      </MeContext.Provider>
    </QueryClientProvider>,
  );
  return fetch;
}

describe("MachinesPage", () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it("givenAnOperator_whenDrainingAndUndraining_thenTheDrainEndpointIsCalled", async () => {
    const fetch = renderAs({ tokenId: "t", name: "op", role: "operator" });
    expect(await screen.findByText("os=linux, group:web")).toBeTruthy();
    const calls = () => fetch.mock.calls.map(([path, init]) => `${init?.method} ${path}`);
    fireEvent.click(screen.getByRole("button", { name: "Drain" }));
    await vi.waitFor(() => expect(calls()).toContain("POST /api/v1/machines/m1/drain"));
    const undrain = screen.getByRole("button", { name: "Undrain" }) as HTMLButtonElement;
    await vi.waitFor(() => expect(undrain.disabled).toBe(false));
    fireEvent.click(undrain);
    await vi.waitFor(() => expect(calls()).toContain("DELETE /api/v1/machines/m2/drain"));
  });

  it("givenAViewer_whenShown_thenNoDrainControls", async () => {
    renderAs({ tokenId: "t", name: "vic", role: "viewer" });
    await screen.findByText("lab-2");
    expect(screen.queryByRole("button", { name: "Drain" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Undrain" })).toBeNull();
  });

  it("givenAnOfflineSshMachine_whenShown_thenItsKindAndWhyItIsOfflineAreShown", async () => {
    const ssh = {
      items: [
        { id: "m3", name: "appliance-1", hostname: "10.0.0.5", os: "linux", status: "offline", slots: 1, properties: {}, groups: [], executions: [], lastSeenAt: null, kind: "ssh", offlineReason: "SSH: host key changed" },
      ],
      page: 0,
      size: 500,
      total: 1,
    };
    renderAs({ tokenId: "t", name: "vic", role: "viewer" }, ssh);
    expect(await screen.findByText("SSH: host key changed")).toBeTruthy();
    expect(screen.getByText("(SSH)")).toBeTruthy();
  });
});
