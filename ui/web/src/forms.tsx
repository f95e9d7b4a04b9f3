import { useState, type ReactNode } from "react";
import { errorAt, unplaced, type FormErrors } from "./problems";

/**
 * A labelled control with its help and the api's message for it: the message is tied to the
 * control (`aria-describedby`, `aria-invalid`) so a screen reader reads it with the field.
 */
export function Field(props: {
  id: string;
  label: string;
  /** The REST field path whose refusals show here. */
  field: string;
  errors: FormErrors;
  help?: ReactNode;
  children: (aria: { id: string; "aria-invalid": boolean; "aria-describedby"?: string }) => ReactNode;
}) {
  const error = errorAt(props.errors, props.field);
  const described = [props.help ? `${props.id}-help` : null, error ? `${props.id}-error` : null]
    .filter((x) => x !== null)
    .join(" ");
  return (
    <div className="field" data-field={props.field}>
      <label htmlFor={props.id}>{props.label}</label>
      {props.children({ id: props.id, "aria-invalid": error !== undefined, "aria-describedby": described || undefined })}
      {props.help && (
        <p id={`${props.id}-help`} className="help">
          {props.help}
        </p>
      )}
      {error && (
        <p id={`${props.id}-error`} className="error field-error" data-error-for={props.field}>
          {error}
        </p>
      )}
    </div>
  );
}

/** The refusals no field shows (and a 412), above the form. */
export function FormAlert(props: { errors: FormErrors; fields: readonly string[] }) {
  const messages = unplaced(props.errors, props.fields);
  if (messages.length === 0) {
    return null;
  }
  return (
    <div role="alert" className="error" data-testid="form-alert">
      {messages.map((m) => (
        <p key={m}>{m}</p>
      ))}
    </div>
  );
}

/**
 * A destructive action asked twice: the first click shows the question and the buttons to
 * confirm or cancel, in the page (keyboard reachable, unlike a native dialog in some drivers).
 */
export function ConfirmButton(props: {
  label: string;
  question: string;
  confirmLabel: string;
  disabled?: boolean;
  onConfirm: () => void;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" disabled={props.disabled} onClick={() => setAsking(true)}>
        {props.label}
      </button>
    );
  }
  return (
    <span className="inline confirm" role="group" aria-label={props.question}>
      <span>{props.question}</span>
      <button
        type="button"
        className="danger"
        autoFocus
        onClick={() => {
          setAsking(false);
          props.onConfirm();
        }}
      >
        {props.confirmLabel}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
