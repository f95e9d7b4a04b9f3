import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { deleteCall, getJson, postJson } from "../api";
import { when } from "../format";
import { useLiveRefresh } from "../live";
import { canOperate, type Machine, type Page } from "../model";
import { useMe } from "../me";

export function MachinesPage() {
  const me = useMe();
  const client = useQueryClient();
  const interval = useLiveRefresh("machines", [["machines"]]);
  const list = useQuery({
    queryKey: ["machines"],
    queryFn: () => getJson<Page<Machine>>("/api/v1/machines?size=500"),
    refetchInterval: interval,
  });
  const drain = useMutation({
    mutationFn: (m: { id: string; draining: boolean }) =>
      m.draining
        ? deleteCall(`/api/v1/machines/${encodeURIComponent(m.id)}/drain`)
        : postJson(`/api/v1/machines/${encodeURIComponent(m.id)}/drain`),
    onSettled: () => client.invalidateQueries({ queryKey: ["machines"] }),
  });

  return (
    <section>
      <h1>Machines</h1>
      {(list.error || drain.error) && (
        <p role="alert" className="error">
          {(list.error ?? drain.error)!.message}
        </p>
      )}
      <table className="grid" aria-label="Machines">
        <thead>
          <tr>
            <th>Name</th>
            <th>Status</th>
            <th>Slots</th>
            <th>Current work</th>
            <th>Labels</th>
            <th>Last seen</th>
            {canOperate(me) && <th>Actions</th>}
          </tr>
        </thead>
        <tbody>
          {list.data?.items.map((m) => (
            <tr key={m.id} data-machine={m.name}>
              <td>
                {m.name}
                {m.kind === "ssh" && <span className="machine-kind"> (SSH)</span>}
              </td>
              <td className={`status status-${m.status}`} title={m.offlineReason ?? undefined}>
                {m.status}
                {m.offlineReason && <div className="offline-reason">{m.offlineReason}</div>}
              </td>
              <td>{m.slots}</td>
              <td>{m.executions?.length ?? 0}</td>
              <td>
                {Object.entries(m.properties ?? {})
                  .map(([k, v]) => `${k}=${v}`)
                  .concat((m.groups ?? []).map((g) => `group:${g}`))
                  .join(", ") || "—"}
              </td>
              <td>{when(m.lastSeenAt)}</td>
              {canOperate(me) && (
                <td>
                  <button
                    disabled={drain.isPending}
                    onClick={() => drain.mutate({ id: m.id, draining: m.status === "draining" })}
                  >
                    {m.status === "draining" ? "Undrain" : "Drain"}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {list.data && list.data.items.length === 0 && <p>No machine has registered yet.</p>}
    </section>
  );
}
