import { useEffect, useRef, type FormEvent, type ReactNode } from "react";
import { FormAlert } from "../../forms";
import type { FormErrors } from "../../problems";
import type { DefinitionEditor } from "./useDefinition";

/**
 * The frame every definition editor shares: loading and load errors, the title, the 412 notice,
 * the refusals no field shows, and Save (or Create) for those who may change it.
 */
export function DefinitionForm<T extends { name: string }>(props: {
  editor: DefinitionEditor<T>;
  /** "Scenario", "Suite", "Configuration". */
  noun: string;
  fields: readonly string[];
  errors: FormErrors;
  editable: boolean;
  onSubmit: () => void;
  /** Shown under the title of a stored definition (links, Run now). */
  header?: (stored: T) => ReactNode;
  children: ReactNode;
}) {
  const { editor } = props;
  const form = useRef<HTMLFormElement>(null);
  // After a refused save, focus (and scroll to) the first field the api named.
  useEffect(() => {
    form.current?.querySelector<HTMLElement>("[aria-invalid='true']")?.focus();
  }, [props.errors]);
  if (editor.loadError) {
    return (
      <section>
        <h1>{props.noun}</h1>
        <p role="alert" className="error">
          {editor.loadError.message}
        </p>
      </section>
    );
  }
  if (editor.stored === undefined) {
    return <p>Loading…</p>;
  }
  const stored = editor.stored;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onSubmit();
  };
  return (
    <section>
      <h1>{stored ? `${props.noun} ${stored.name}` : `New ${props.noun.toLowerCase()}`}</h1>
      {stored && props.header?.(stored)}
      <StaleNotice editor={editor} />
      <form ref={form} className="form" onSubmit={submit} aria-label={props.noun} noValidate>
        <FormAlert errors={props.errors} fields={props.fields} />
        <div className="fieldsets">{props.children}</div>
        {props.editable && (
          <div className="actions">
            <button type="submit" disabled={editor.saving}>
              {stored ? "Save" : `Create ${props.noun.toLowerCase()}`}
            </button>
            {editor.notice && <span role="status">{editor.notice}</span>}
          </div>
        )}
      </form>
    </section>
  );
}

/** A 412 said someone else saved first: say so plainly and offer their version. */
function StaleNotice<T>(props: { editor: DefinitionEditor<T> }) {
  if (!props.editor.stale) {
    return null;
  }
  return (
    <div role="alert" className="warning" data-testid="stale">
      <p>
        <strong>Changed by someone else.</strong> This was saved by someone else after you opened
        it, so your change was not applied.
      </p>
      <button type="button" onClick={() => void props.editor.reload()}>
        Reload their version
      </button>
    </div>
  );
}
