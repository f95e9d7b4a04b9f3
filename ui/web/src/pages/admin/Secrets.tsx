import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { getJson, postJson, putJson } from "../../api";
import { ConfirmButton, Field, FormAlert } from "../../forms";
import { when } from "../../format";
import type { Page, Secret } from "../../model";
import { errorsOf, NO_ERRORS, type FormErrors } from "../../problems";
import { Link } from "../../router";
import { AdminOnly } from "./AdminOnly";
import { useRemoval } from "./useRemoval";

export function SecretsPage() {
  return (
    <AdminOnly title="Secrets">
      <Secrets />
    </AdminOnly>
  );
}

function Secrets() {
  const client = useQueryClient();
  const list = useQuery({
    queryKey: ["secrets"],
    queryFn: () => getJson<Page<Secret>>("/api/v1/secrets?size=500"),
  });
  // null: the form creates a secret; a name: it sets a new value of that one (a rotation).
  const [rotating, setRotating] = useState<string | null>(null);
  const removal = useRemoval("secrets");
  const [saved, setSaved] = useState<string | null>(null);
  const refresh = () => client.invalidateQueries({ queryKey: ["secrets"] });

  return (
    <section>
      <h1>Secrets</h1>
      <p className="help">
        Values are write-only: neither this page nor the api ever shows one. A suite uses a secret
        as <code>{"${secret:NAME}"}</code> in a stage's <code>env</code>.
      </p>
      <SecretForm
        key={rotating ?? "new"}
        name={rotating}
        onSaved={(message) => {
          setSaved(message);
          setRotating(null);
          void refresh();
        }}
        onCancel={() => setRotating(null)}
      />
      {saved && <p role="status">{saved}</p>}
      {(list.error || removal.error) && (
        <p role="alert" className="error">
          {list.error?.message ?? removal.error}
        </p>
      )}
      <table className="grid" aria-label="Secrets">
        <thead>
          <tr>
            <th>Name</th>
            <th>Created</th>
            <th>Updated</th>
            <th>Who</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.items.map((s) => (
            <tr key={s.name} data-secret={s.name}>
              <td>{s.name}</td>
              <td>{when(s.createdAt)}</td>
              <td>{when(s.updatedAt)}</td>
              <td>
                <Link to={`/admin/audit?resource=secrets&resourceId=${encodeURIComponent(s.name)}`}>changes and uses</Link>
              </td>
              <td className="inline">
                <button type="button" onClick={() => setRotating(s.name)}>
                  Set value
                </button>
                <ConfirmButton
                  label="Delete"
                  question={`Delete secret "${s.name}"?`}
                  confirmLabel="Yes, delete"
                  onConfirm={() => void removal.remove(`/api/v1/secrets/${encodeURIComponent(s.name)}`)}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data && list.data.items.length === 0 && <p>No secrets yet.</p>}
    </section>
  );
}

function SecretForm(props: { name: string | null; onSaved: (message: string) => void; onCancel: () => void }) {
  const [name, setName] = useState(props.name ?? "");
  const [value, setValue] = useState("");
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      if (props.name) {
        await putJson(`/api/v1/secrets/${encodeURIComponent(props.name)}`, { name: props.name, value });
      } else {
        await postJson("/api/v1/secrets", { name, value });
      }
      setValue(""); // the value leaves the page as soon as the api has it
      setName("");
      props.onSaved(`Secret "${props.name ?? name}" saved.`);
    } catch (e) {
      setErrors(errorsOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={submit} aria-label={props.name ? `New value of ${props.name}` : "New secret"} noValidate>
      <h2>{props.name ? `New value of "${props.name}"` : "New secret"}</h2>
      <FormAlert errors={errors} fields={["name", "value"]} />
      {!props.name && (
        <Field id="secret-name" label="Name" field="name" errors={errors} help="1–128 letters, digits, '.', '_' or '-'.">
          {(aria) => <input {...aria} value={name} onChange={(e) => setName(e.target.value)} maxLength={128} />}
        </Field>
      )}
      <Field id="secret-value" label="Value" field="value" errors={errors} help="Never shown again, here or anywhere.">
        {(aria) => (
          <input {...aria} type="password" autoComplete="new-password" value={value} onChange={(e) => setValue(e.target.value)} />
        )}
      </Field>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {props.name ? "Set value" : "Create secret"}
        </button>
        {props.name && (
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
