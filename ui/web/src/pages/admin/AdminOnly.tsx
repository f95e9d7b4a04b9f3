import type { ReactNode } from "react";
import { useMe } from "../../me";
import { isAdmin } from "../../model";

/** An admin page: others opening its URL read why it is empty (the api refuses them anyway). */
export function AdminOnly(props: { title: string; children: ReactNode }) {
  const me = useMe();
  if (!isAdmin(me)) {
    return (
      <section>
        <h1>{props.title}</h1>
        <p role="alert" data-testid="admins-only">
          Admins only: your token's role ({me?.role ?? "none"}) may not see this page.
        </p>
      </section>
    );
  }
  return <>{props.children}</>;
}
