import { useEffect, useRef, useSyncExternalStore } from "react";
import { useQueryClient, type QueryKey } from "@tanstack/react-query";
import { postJson } from "./api";

// One WebSocket per signed-in tab (docs/api.md, "Live updates"). An event is a notice: pages
// re-read the REST resource, coalesced, so a busy run never floods the page. While the socket is
// refused or down, pages poll instead and say so.

export type LiveStatus = "connecting" | "live" | "polling";

export interface LiveEvent {
  type: string;
  topic?: string;
  seq?: number;
  data?: Record<string, unknown>;
}

type Listener = (event: LiveEvent) => void;

interface Ticket {
  url: string;
}

export interface LiveDeps {
  ticket: () => Promise<Ticket>;
  open: (url: string) => WebSocket;
  /** Delay before the n-th reconnect attempt (1-based). */
  backoffMs: (attempt: number) => number;
}

const defaultDeps: LiveDeps = {
  ticket: async () => (await postJson<Ticket>("/api/v1/ws/tickets"))!,
  open: (url) => {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    return new WebSocket(`${scheme}//${window.location.host}${url}`);
  },
  backoffMs: (attempt) => Math.min(30_000, 2_000 * attempt),
};

export class LiveConnection {
  private status: LiveStatus = "connecting";
  private socket: WebSocket | null = null;
  private readonly topics = new Map<string, Set<Listener>>();
  private readonly statusListeners = new Set<() => void>();
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Bumped by every start and stop, so a connection of an earlier start never acts. */
  private generation = 0;
  private running = false;

  constructor(private readonly deps: LiveDeps = defaultDeps) {}

  /** Connects (again); subscriptions made before or while stopped are kept and sent on open. */
  start(): void {
    this.stop();
    this.running = true;
    this.setStatus("connecting");
    void this.connect(this.generation);
  }

  stop(): void {
    this.generation += 1;
    this.running = false;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const socket = this.socket;
    this.socket = null;
    socket?.close();
    this.attempts = 0;
  }

  getStatus = (): LiveStatus => this.status;

  onStatus = (listener: () => void): (() => void) => {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  };

  subscribe(topic: string, listener: Listener): () => void {
    let listeners = this.topics.get(topic);
    if (!listeners) {
      listeners = new Set();
      this.topics.set(topic, listeners);
      this.send({ type: "subscribe", topic });
    }
    listeners.add(listener);
    return () => {
      listeners!.delete(listener);
      if (listeners!.size === 0 && this.topics.get(topic) === listeners) {
        this.topics.delete(topic);
        this.send({ type: "unsubscribe", topic });
      }
    };
  }

  private send(message: object): void {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(message));
    }
  }

  private setStatus(status: LiveStatus): void {
    if (this.status !== status) {
      this.status = status;
      this.statusListeners.forEach((l) => l());
    }
  }

  private async connect(generation: number): Promise<void> {
    let socket: WebSocket;
    try {
      const ticket = await this.deps.ticket();
      if (generation !== this.generation) {
        return;
      }
      socket = this.deps.open(ticket.url);
    } catch {
      if (generation === this.generation) {
        this.retry(generation);
      }
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (generation !== this.generation) {
        return;
      }
      this.attempts = 0;
      this.setStatus("live");
      for (const topic of this.topics.keys()) {
        this.send({ type: "subscribe", topic });
      }
      // Whatever changed while the socket was down is read again.
      this.dispatchAll({ type: "resync" });
    };
    socket.onmessage = (message) => {
      if (generation !== this.generation) {
        return;
      }
      let event: LiveEvent;
      try {
        event = JSON.parse(String(message.data)) as LiveEvent;
      } catch {
        return;
      }
      if (event.type === "resync") {
        this.dispatchAll(event);
      } else if (event.topic) {
        this.topics.get(event.topic)?.forEach((l) => l(event));
      }
    };
    socket.onclose = () => {
      if (generation === this.generation) {
        this.socket = null;
        this.retry(generation);
      }
    };
  }

  private dispatchAll(event: LiveEvent): void {
    this.topics.forEach((listeners) => listeners.forEach((l) => l(event)));
  }

  private retry(generation: number): void {
    if (!this.running || generation !== this.generation) {
      return;
    }
    this.setStatus("polling");
    this.attempts += 1;
    this.timer = setTimeout(() => void this.connect(generation), this.deps.backoffMs(this.attempts));
  }
}

/**
 * The tab's one connection. It exists before any page renders, so pages subscribe to it whether or
 * not the socket is open yet; signing in starts it, signing out stops it.
 */
const shared = new LiveConnection();

export function startLive(): void {
  shared.start();
}

export function stopLive(): void {
  shared.stop();
}

/** The shared connection's status. */
export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(shared.onStatus, shared.getStatus);
}

/**
 * Re-reads the given queries when the topic has news, at most every {@code minGapMs}; returns
 * the polling interval the queries should use (false while live).
 */
export function useLiveRefresh(topic: string, keys: QueryKey[], minGapMs = 500): number | false {
  const client = useQueryClient();
  const status = useLiveStatus();
  const keysRef = useRef(keys);
  keysRef.current = keys;
  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | null = null;
    const unsubscribe = shared.subscribe(topic, () => {
      if (pending) {
        return; // coalesced into the refresh already scheduled
      }
      pending = setTimeout(() => {
        pending = null;
        keysRef.current.forEach((key) => void client.invalidateQueries({ queryKey: key }));
      }, minGapMs);
    });
    return () => {
      unsubscribe();
      if (pending) {
        clearTimeout(pending);
      }
    };
  }, [topic, client, minGapMs]);
  return status === "live" ? false : 3_000;
}
