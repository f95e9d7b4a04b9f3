import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { getJson, postJson } from "../../api";
import { ConfirmButton, Field, FormAlert } from "../../forms";
import { when } from "../../format";
import type { Page, Role, Token } from "../../model";
import { Link } from "../../router";
import { errorsOf, NO_ERRORS, type FormErrors } from "../../problems";
import { AdminOnly } from "./AdminOnly";
import { useRemoval } from "./useRemoval";

const ROLES: Role[] = ["viewer", "operator", "admin", "agent"];

export function TokensPage() {
  return (
    <AdminOnly title="Tokens">
      <Tokens />
    </AdminOnly>
  );
}

function Tokens() {
  const client = useQueryClient();
  const list = useQuery({
    queryKey: ["tokens"],
    queryFn: () => getJson<Page<Token>>("/api/v1/tokens"),
  });
  // The new token's value lives in this component's state only: not in the query cache, not in
  // storage, not in a URL. Leaving the page drops it (docs/ui.md, "Admin pages").
  const [created, setCreated] = useState<Token | null>(null);
  const removal = useRemoval("tokens");

  return (
    <section>
      <h1>Tokens</h1>
      {created ? (
        <NewTokenValue token={created} onDone={() => setCreated(null)} />
      ) : (
        <CreateToken
          onCreated={(token) => {
            setCreated(token);
            void client.invalidateQueries({ queryKey: ["tokens"] });
          }}
        />
      )}
      {(list.error || removal.error) && (
        <p role="alert" className="error">
          {list.error?.message ?? removal.error}
        </p>
      )}
      <table className="grid" aria-label="Tokens">
        <thead>
          <tr>
            <th>Name</th>
            <th>Role</th>
            <th>Machine</th>
            <th>Created</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.items.map((t) => (
            <tr key={t.id} data-token={t.name}>
              <td>{t.name}</td>
              <td>{t.role}</td>
              <td>{t.machine ?? "—"}</td>
              <td>{when(t.createdAt)}</td>
              <td>
                <ConfirmButton
                  label="Revoke"
                  question={`Revoke "${t.name}"? Whoever uses it is refused from now on.`}
                  confirmLabel="Yes, revoke"
                  onConfirm={() => void removal.remove(`/api/v1/tokens/${encodeURIComponent(t.id)}`)}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="help">
        A revoked token is deleted: it leaves this list, and the <Link to="/admin/audit?resource=tokens">audit log</Link> keeps
        who revoked it. The api does not record when a token was last used.
      </p>
    </section>
  );
}

function CreateToken(props: { onCreated: (token: Token) => void }) {
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [machine, setMachine] = useState("");
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      const body = { name, role, ...(role === "agent" && machine ? { machine } : {}) };
      const token = await postJson<Token>("/api/v1/tokens", body);
      setName("");
      setMachine("");
      props.onCreated(token!);
    } catch (e) {
      setErrors(errorsOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={submit} aria-label="New token" noValidate>
      <h2>New token</h2>
      <FormAlert errors={errors} fields={["name", "role", "machine"]} />
      <Field id="token-name" label="Name" field="name" errors={errors} help="Who or what uses it, e.g. ci-pipeline.">
        {(aria) => <input {...aria} value={name} onChange={(e) => setName(e.target.value)} maxLength={200} />}
      </Field>
      <Field id="token-role" label="Role" field="role" errors={errors}>
        {(aria) => (
          <select {...aria} value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        )}
      </Field>
      {role === "agent" && (
        <Field id="token-machine" label="Machine (optional)" field="machine" errors={errors} help="The only machine name this agent token may register.">
          {(aria) => <input {...aria} value={machine} onChange={(e) => setMachine(e.target.value)} />}
        </Field>
      )}
      <button type="submit" disabled={busy}>
        Create token
      </button>
    </form>
  );
}

/** The one time the value is shown: copy it now, the api keeps only its hash. */
function NewTokenValue(props: { token: Token; onDone: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.token.token ?? "");
      setCopied("Copied.");
    } catch {
      // No clipboard (an insecure origin): the field is selected for Ctrl+C instead.
      (document.getElementById("new-token-value") as HTMLInputElement | null)?.select();
      setCopied("Select and copy it with Ctrl+C.");
    }
  };
  return (
    <div className="once" role="region" aria-label="New token value">
      <h2>Token "{props.token.name}" ({props.token.role}) created</h2>
      <p role="alert" className="warning">
        Copy the value now: it is shown only this once and cannot be read again. Leaving this page
        forgets it.
      </p>
      <label htmlFor="new-token-value">Token value</label>
      <input id="new-token-value" data-testid="new-token" readOnly value={props.token.token ?? ""} size={60} onFocus={(e) => e.target.select()} />
      <div className="actions">
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" onClick={props.onDone}>
          Done
        </button>
        {copied && <span role="status">{copied}</span>}
      </div>
    </div>
  );
}
