import { useEffect, useState } from "react";
import { getJson, setUnauthorizedHandler } from "./api";
import { LiveBanner } from "./LiveBanner";
import { MeContext } from "./me";
import type { Me } from "./model";
import { ExecutionPage } from "./pages/Execution";
import { ExecutionsPage } from "./pages/Executions";
import { MachinesPage } from "./pages/Machines";
import { ScenariosPage } from "./pages/Scenarios";
import { Link, matchRoute, useLocation } from "./router";
import { clearToken, storedToken } from "./session";
import { SignIn } from "./SignIn";
import { startLive, stopLive } from "./live";
import { useQueryClient } from "@tanstack/react-query";

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
          <Link to="/machines">Machines</Link>
        </nav>
        <LiveBanner />
        <span className="who" data-testid="who">
          {session.me.name} ({session.me.role})
        </span>
        <button onClick={signOut}>Sign out</button>
      </header>
      <main>
        <Page />
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
