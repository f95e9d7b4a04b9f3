import { useQuery } from "@tanstack/react-query";
import { getJson } from "../../api";
import { when } from "../../format";
import { useMe } from "../../me";
import { canOperate, type Definition, type Page } from "../../model";
import { Link } from "../../router";
import type { Collection } from "./useDefinition";

/** Suites or configurations: each name opens its editor; operators and admins get "New". */
export function DefinitionList(props: { collection: Exclude<Collection, "scenarios">; title: string; noun: string }) {
  const me = useMe();
  const list = useQuery({
    queryKey: [props.collection],
    queryFn: () => getJson<Page<Definition>>(`/api/v1/${props.collection}?size=500`),
  });
  return (
    <section>
      <h1>{props.title}</h1>
      {canOperate(me) && (
        <div className="actions">
          <Link to={`/${props.collection}/new`}>New {props.noun}</Link>
        </div>
      )}
      {list.error && (
        <p role="alert" className="error">
          {list.error.message}
        </p>
      )}
      <table className="grid" aria-label={props.title}>
        <thead>
          <tr>
            <th>Name</th>
            <th>Description</th>
            <th>Changed</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.items.map((d) => (
            <tr key={d.id} data-definition={d.name}>
              <td>
                <Link to={`/${props.collection}/${d.id}`}>{d.name}</Link>
              </td>
              <td>{d.description ?? ""}</td>
              <td>{when(d.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data && list.data.items.length === 0 && <p>No {props.noun}s yet.</p>}
    </section>
  );
}
