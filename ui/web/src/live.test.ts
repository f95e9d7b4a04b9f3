import { afterEach, describe, expect, it, vi } from "vitest";
import { LiveConnection, type LiveDeps } from "./live";

class FakeSocket {
  static OPEN = 1;
  readyState = 0;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((m: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  send(text: string) {
    this.sent.push(text);
  }
  close() {
    this.readyState = 3;
    this.onclose?.();
  }
  opened() {
    this.readyState = 1;
    this.onopen?.();
  }
}

function deps(sockets: FakeSocket[], ticket: LiveDeps["ticket"]): LiveDeps {
  return {
    ticket,
    open: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s as unknown as WebSocket;
    },
    backoffMs: () => 1000,
  };
}

describe("LiveConnection", () => {
  afterEach(() => vi.useRealTimers());

  it("givenTheTicketIsRefused_whenStarted_thenPollingUntilASocketOpens", async () => {
    vi.useFakeTimers();
    vi.stubGlobal("WebSocket", FakeSocket);
    const sockets: FakeSocket[] = [];
    let refuse = true;
    const live = new LiveConnection(
      deps(sockets, async () => {
        if (refuse) {
          throw new Error("429");
        }
        return { url: "/ws?ticket=t" };
      }),
    );
    live.start();
    await vi.waitFor(() => expect(live.getStatus()).toBe("polling"));
    refuse = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(sockets).toHaveLength(1);
    sockets[0].opened();
    expect(live.getStatus()).toBe("live");
    live.stop();
  });

  it("givenASubscription_whenAnEventOfItsTopicArrives_thenTheListenerHearsOnlyThatTopic", async () => {
    vi.stubGlobal("WebSocket", FakeSocket);
    const sockets: FakeSocket[] = [];
    const live = new LiveConnection(deps(sockets, async () => ({ url: "/ws?ticket=t" })));
    const heard: string[] = [];
    live.subscribe("executions", (e) => heard.push(e.type));
    live.start();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    sockets[0].opened();
    expect(sockets[0].sent).toContain(JSON.stringify({ type: "subscribe", topic: "executions" }));
    sockets[0].onmessage!({ data: JSON.stringify({ type: "execution", topic: "executions" }) });
    sockets[0].onmessage!({ data: JSON.stringify({ type: "machine", topic: "machines" }) });
    expect(heard).toEqual(["resync", "execution"]);
    live.stop();
  });
  it("givenStartStopStart_whenTheFirstTicketArrivesLate_thenOnlyTheLastConnectionActs", async () => {
    vi.stubGlobal("WebSocket", FakeSocket);
    const sockets: FakeSocket[] = [];
    const tickets: Array<(t: { url: string }) => void> = [];
    const live = new LiveConnection(
      deps(sockets, () => new Promise((resolve) => tickets.push(resolve))),
    );
    const heard: string[] = [];
    live.subscribe("machines", (e) => heard.push(e.type));
    live.start();
    live.stop();
    live.start(); // what React's StrictMode does with an effect
    await vi.waitFor(() => expect(tickets).toHaveLength(2));
    tickets[0]({ url: "/ws?ticket=old" });
    tickets[1]({ url: "/ws?ticket=new" });
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    sockets[0].opened();
    expect(live.getStatus()).toBe("live");
    expect(sockets[0].sent).toEqual([JSON.stringify({ type: "subscribe", topic: "machines" })]);
    expect(heard).toEqual(["resync"]);
    live.stop();
  });
});
