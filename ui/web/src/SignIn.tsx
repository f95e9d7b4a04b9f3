import { useState, type FormEvent } from "react";
import { ApiError, getJson } from "./api";
import type { Me } from "./model";
import { storeToken } from "./session";

/** The token goes into a labelled password field and, once the api accepts it, sessionStorage. */
export function SignIn(props: { onSignedIn: (me: Me) => void; notice?: string }) {
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const secret = token.trim();
    if (!secret) {
      setError("Enter an API token.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const me = await getJson<Me>("/api/v1/me", secret);
      storeToken(secret);
      props.onSignedIn(me);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "The api could not be reached.");
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="signin">
      <h1>CTA</h1>
      {props.notice && <p role="status">{props.notice}</p>}
      <form onSubmit={submit}>
        <label htmlFor="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-describedby="token-help"
          aria-invalid={error !== null}
        />
        <p id="token-help" className="help">
          A token from your CTA admin (./start.sh prints the admin token). It is kept in this tab
          only.
        </p>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
