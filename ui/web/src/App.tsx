import { lazy, Suspense, useEffect, useState } from "react";
import { getJson, setUnauthorizedHandler } from "./api";
import { LiveBanner } from "./LiveBanner";
import { MeContext } from "./me";
import { isAdmin, type Me } from "./model";
import { ExecutionPage } from "./pages/Execution";
import { ExecutionsPage } from "./pages/Executions";
import { MachinesPage } from "./pages/Machines";
import { ScenariosPage } from "./pages/Scenarios";
import { Link, matchRoute, useLocation } from "./router";
import { clearToken, storedToken } from "./session";
import { SignIn } from "./SignIn";
import { startLive, stopLive } from "./live";
import { useQueryClient } from "@tanstack/react-query";

// Editing and admin pages load on first use, keeping the first page's JavaScript small.
const ScenarioEditPage = lazy(() => import("./pages/definitions/ScenarioEdit").then((m) => ({ default: m.ScenarioEditPage })));
const SuiteEditPage = lazy(() => import("./pages/definitions/SuiteEdit").then((m) => ({ default: m.SuiteEditPage })));
const ConfigurationEditPage = lazy(() =>
  import("./pages/definitions/ConfigurationEdit").then((m) => ({ default: m.ConfigurationEditPage })),
);
const DefinitionList = lazy(() => import("./pages/definitions/DefinitionList").then((m) => ({ default: m.DefinitionList })));
const TokensPage = lazy(() => import("./pages/admin/Tokens").then((m) => ({ default: m.TokensPage })));
const AuditPage = lazy(() => import("./pages/admin/Audit").then((m) => ({ default: m.AuditPage })));
const SecretsPage = lazy(() => import("./pages/admin/Secrets").then((m) => ({ default: m.SecretsPage })));

type Session = { state: "checking" } | { state: "signed-out"; notice?: string } | { state: "in"; me: Me };

export function App() {
  const client = useQueryClient();
  const [session, setSession] = useState<Session>(() =>
    storedToken() ? { state: "checking" } : { state: "signed-out" },
  );

  useEffect(() => {
    setUnauthorizedHandler(() =>
      setSession({ state: "signed-out", notice: "Your token was refused: sign in again." }),
    );
    if (storedToken()) {
      getJson<Me>("/api/v1/me")
        .then((me) => setSession({ state: "in", me }))
        .catch(() => {
          clearToken();
          setSession({ state: "signed-out" });
        });
    }
  }, []);

  useEffect(() => {
    if (session.state !== "in") {
      return;
    }
    startLive();
    return () => stopLive();
  }, [session.state]);

  if (session.state === "checking") {
    return <p>Signing in…</p>;
  }
  if (session.state === "signed-out") {
    return (
      <SignIn notice={session.notice} onSignedIn={(me) => setSession({ state: "in", me })} />
    );
  }
  const signOut = () => {
    clearToken();
    client.clear();
    setSession({ state: "signed-out" });
  };
  return (
    <MeContext.Provider value={session.me}>
      <header className="top">
        <nav aria-label="Main">
          <Link to="/executions">Executions</Link>
          <Link to="/scenarios">Scenarios</Link>
          <Link to="/suites">Suites</Link>
          <Link to="/configurations">Configurations</Link>
          <Link to="/machines">Machines</Link>
          {isAdmin(session.me) && (
            <>
              <Link to="/admin/tokens">Tokens</Link>
              <Link to="/admin/audit">Audit log</Link>
              <Link to="/admin/secrets">Secrets</Link>
            </>
          )}
        </nav>
        <LiveBanner />
        <span className="who" data-testid="who">
          {session.me.name} ({session.me.role})
        </span>
        <button onClick={signOut}>Sign out</button>
      </header>
      <main>
        <Suspense fallback={<p>Loading…</p>}>
          <Page />
        </Suspense>
      </main>
    </MeContext.Provider>
  );
}

function Page() {
  const { pathname } = useLocation();
  const route = matchRoute(pathname);
  switch (route.page) {
    case "executions":
      return <ExecutionsPage />;
    case "execution":
      return <ExecutionPage key={route.id} id={route.id} />;
    case "machines":
      return <MachinesPage />;
    case "scenarios":
      return <ScenariosPage />;
    case "scenario":
      return <ScenarioEditPage key={route.id} id={route.id} />;
    case "suites":
      return <DefinitionList key="suites" collection="suites" title="Suites" noun="suite" />;
    case "suite":
      return <SuiteEditPage key={route.id} id={route.id} />;
    case "configurations":
      return <DefinitionList key="configurations" collection="configurations" title="Configurations" noun="configuration" />;
    case "configuration":
      return <ConfigurationEditPage key={route.id} id={route.id} />;
    case "tokens":
      return <TokensPage />;
    case "audit":
      return <AuditPage />;
    case "secrets":
      return <SecretsPage />;
    default:
      return (
        <section>
          <h1>Not found</h1>
          <p>
            No page here. <Link to="/executions">Executions</Link>
          </p>
        </section>
      );
  }
}
