import { useLiveStatus } from "./live";

/** Says how the page stays current: pushed over the socket, or polled while it is refused. */
export function LiveBanner() {
  const status = useLiveStatus();
  if (status === "live") {
    return (
      <span className="live live-on" role="status" data-live="live">
        Live
      </span>
    );
  }
  return (
    <span className="live live-off" role="status" data-live={status}>
      {status === "connecting"
        ? "Connecting to live updates…"
        : "Live updates unavailable: refreshing every 3 s"}
    </span>
  );
}
