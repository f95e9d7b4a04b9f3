import type { DefinitionEditor } from "./useDefinition";

/** A 412 said someone else saved first: say so plainly and offer their version. */
export function StaleNotice<T>(props: { editor: DefinitionEditor<T> }) {
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
