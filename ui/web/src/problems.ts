import { ApiError, type Problem } from "./api";

/**
 * What a refused save says, sorted for a form: `fields` maps a REST field path (`retries`,
 * `concurrency.max`, `tests[0].stages[0].timeout`) to its message; `general` holds the rest.
 */
export interface FormErrors {
  fields: Record<string, string>;
  general: string[];
}

export const NO_ERRORS: FormErrors = { fields: {}, general: [] };

// The api's detail names the field first (docs/api.md, "Errors"): "retries: must be …", several
// joined by "; ", or "groups, properties: …" for a rule on two fields.
const FIELD_MESSAGE = /^([A-Za-z_$][\w$]*(?:\[\d+\]|\.[\w$-]+)*(?:, [A-Za-z_$][\w$.[\]-]*)*): (.+)$/s;

/** Splits a problem into field messages and general ones. */
export function formErrors(problem: Problem): FormErrors {
  const result: FormErrors = { fields: {}, general: [] };
  const add = (field: string | undefined, message: string) => {
    if (field) {
      for (const name of field.split(", ")) {
        result.fields[name] = result.fields[name] ? `${result.fields[name]}; ${message}` : message;
      }
    } else {
      result.general.push(message);
    }
  };
  if (problem.errors && problem.errors.length > 0) {
    for (const e of problem.errors) {
      const field = e.field ?? e.pointer?.replace(/^\//, "").replace(/\/(\d+)(?=\/|$)/g, "[$1]").replace(/\//g, ".");
      add(field || undefined, e.detail ?? e.message ?? "invalid");
    }
    return result;
  }
  if (problem.status === 400 && problem.detail) {
    for (const part of problem.detail.split("; ")) {
      const match = FIELD_MESSAGE.exec(part);
      add(match?.[1], match ? match[2] : part);
    }
    return result;
  }
  result.general.push(describe(problem));
  return result;
}

/** One sentence for a refusal that is not about a field. */
export function describe(problem: Problem): string {
  if (problem.status === 412) {
    return "Someone else changed this since you opened it. Reload to see their version, then make your change again.";
  }
  return problem.detail ?? problem.title ?? `HTTP ${problem.status}`;
}

/** The problem of a failed call, or a general message for anything else (network down). */
export function errorsOf(error: unknown): FormErrors {
  if (error instanceof ApiError) {
    return formErrors(error.problem);
  }
  return { fields: {}, general: ["The api could not be reached."] };
}

/**
 * The message for a form field: its own, or those of the fields inside it
 * (`notifications[0].url` belongs to `notifications`).
 */
export function errorAt(errors: FormErrors, field: string): string | undefined {
  const messages = Object.entries(errors.fields)
    .filter(([name]) => name === field || name.startsWith(`${field}.`) || name.startsWith(`${field}[`))
    .map(([name, message]) => (name === field ? message : `${name}: ${message}`));
  return messages.length > 0 ? messages.join("; ") : undefined;
}

/** The field messages no form field shows, so they are not lost. */
export function unplaced(errors: FormErrors, shown: readonly string[]): string[] {
  return Object.entries(errors.fields)
    .filter(([name]) => !shown.some((f) => name === f || name.startsWith(`${f}.`) || name.startsWith(`${f}[`)))
    .map(([name, message]) => `${name}: ${message}`)
    .concat(errors.general);
}
