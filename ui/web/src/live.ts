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
  private closed = false;

  constructor(private readonly deps: LiveDeps = defaultDeps) {}

  start(): void {
    void this.connect();
  }

  stop(): void {
    this.closed = true;
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.socket?.close();
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
      if (listeners!.size === 0) {
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

  private async connect(): Promise<void> {
    if (this.closed) {
      return;
    }
    let socket: WebSocket;
    try {
      socket = this.deps.open((await this.deps.ticket()).url);
    } catch {
      this.retry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.attempts = 0;
      this.setStatus("live");
      for (const topic of this.topics.keys()) {
        this.send({ type: "subscribe", topic });
      }
      // Whatever changed while the socket was down is read again.
      this.dispatchAll({ type: "resync" });
    };
    socket.onmessage = (message) => {
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
      if (this.socket === socket) {
        this.socket = null;
        this.retry();
      }
    };
  }

  private dispatchAll(event: LiveEvent): void {
    this.topics.forEach((listeners) => listeners.forEach((l) => l(event)));
  }

  private retry(): void {
    if (this.closed) {
      return;
    }
    this.setStatus("polling");
    this.attempts += 1;
    this.timer = setTimeout(() => void this.connect(), this.deps.backoffMs(this.attempts));
  }
}

let shared: LiveConnection | null = null;

export function startLive(): void {
  shared?.stop();
  shared = new LiveConnection();
  shared.start();
}

export function stopLive(): void {
  shared?.stop();
  shared = null;
}

const noStatus = () => () => {};

/** The shared connection's status. */
export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(
    shared ? shared.onStatus : noStatus,
    shared ? shared.getStatus : () => "polling" as LiveStatus,
  );
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
    if (!shared) {
      return;
    }
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
