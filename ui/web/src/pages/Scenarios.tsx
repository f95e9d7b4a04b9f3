import { useMutation, useQuery } from "@tanstack/react-query";
import { getJson, postJson } from "../api";
import { canOperate, type Execution, type Page, type Scenario } from "../model";
import { useMe } from "../me";
import { Link, navigate } from "../router";

export function ScenariosPage() {
  const me = useMe();
  const list = useQuery({
    queryKey: ["scenarios"],
    queryFn: () => getJson<Page<Scenario>>("/api/v1/scenarios?size=500"),
  });
  const run = useMutation({
    mutationFn: (id: string) =>
      postJson<Execution>(`/api/v1/scenarios/${encodeURIComponent(id)}/run`, {
        reason: "run from the console",
      }),
    onSuccess: (execution) => execution && navigate(`/executions/${execution.id}`),
  });

  return (
    <section>
      <h1>Scenarios</h1>
      {canOperate(me) && (
        <div className="actions">
          <Link to="/scenarios/new">New scenario</Link>
        </div>
      )}
      {(list.error || run.error) && (
        <p role="alert" className="error">
          {(list.error ?? run.error)!.message}
        </p>
      )}
      <table className="grid" aria-label="Scenarios">
        <thead>
          <tr>
            <th>Name</th>
            <th>Description</th>
            <th>Executions</th>
            {canOperate(me) && <th>Actions</th>}
          </tr>
        </thead>
        <tbody>
          {list.data?.items.map((s) => (
            <tr key={s.id} data-scenario={s.name}>
              <td>
                <Link to={`/scenarios/${encodeURIComponent(s.id)}`}>{s.name}</Link>
              </td>
              <td>{s.description ?? ""}</td>
              <td>
                <Link to={`/executions?scenarioId=${encodeURIComponent(s.id)}`}>executions</Link>
              </td>
              {canOperate(me) && (
                <td>
                  <button disabled={run.isPending} onClick={() => run.mutate(s.id)}>
                    Run now
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {list.data && list.data.items.length === 0 && <p>No scenarios yet.</p>}
    </section>
  );
}
