import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { deleteCall, getJson, postJson } from "../../api";
import { ConfirmButton, Field } from "../../forms";
import { when } from "../../format";
import { useMe } from "../../me";
import { canOperate, type Definition, type Execution, type Page, type ScenarioDetail } from "../../model";
import { Link, navigate } from "../../router";
import { DefinitionForm } from "./DefinitionForm";
import { useDefinition } from "./useDefinition";

/** The scenario form's fields as typed: strings, turned into the REST body by `scenarioBody`. */
export interface ScenarioForm {
  name: string;
  description: string;
  testSuiteId: string;
  configurationId: string;
  pendingTimeout: string;
  runningTimeout: string;
  retries: string;
  concurrencyMax: string;
  whenFull: string;
  cron: string;
  timeZone: string;
  at: string;
  overlap: string;
  notifications: string;
  retentionKind: "" | "days" | "lastExecutions";
  retention: string;
}

/** The REST field paths the form shows refusals at; others go above the form. */
const FIELDS = [
  "name",
  "description",
  "testSuiteId",
  "configurationId",
  "pendingTimeout",
  "runningTimeout",
  "retries",
  "concurrency.max",
  "concurrency.whenFull",
  "schedule.cron",
  "schedule.timeZone",
  "schedule.at",
  "schedule.overlap",
  "notifications",
  "retention",
] as const;

export function scenarioForm(s: ScenarioDetail | null): ScenarioForm {
  const retention = s?.retention;
  return {
    name: s?.name ?? "",
    description: s?.description ?? "",
    testSuiteId: s?.testSuiteId ?? "",
    configurationId: s?.configurationId ?? "",
    pendingTimeout: s ? String(s.pendingTimeout) : "",
    runningTimeout: s ? String(s.runningTimeout) : "",
    retries: s ? String(s.retries) : "",
    concurrencyMax: s?.concurrency ? String(s.concurrency.max) : "",
    whenFull: s?.concurrency?.whenFull ?? "queue",
    cron: s?.schedule?.cron ?? "",
    timeZone: s?.schedule?.timeZone ?? "",
    at: s?.schedule?.at ?? "",
    overlap: s?.schedule?.overlap ?? "",
    // What a PUT takes: the view's `secretSet` is not a request field, and a webhook's secret is
    // kept when left out (docs/notifications.md).
    notifications: JSON.stringify(
      (s?.notifications ?? []).map((n) =>
        Object.fromEntries(Object.entries(n).filter(([k, v]) => k !== "secretSet" && v !== null)),
      ),
      null,
      2,
    ),
    retentionKind: retention?.days ? "days" : retention?.lastExecutions ? "lastExecutions" : "",
    retention: String(retention?.days ?? retention?.lastExecutions ?? ""),
  };
}

/** A number field's value: a number when it reads as one, else the text, for the api to name. */
function number(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (trimmed === "") {
    return undefined;
  }
  return /^-?\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/**
 * The body of `POST`/`PUT /api/v1/scenarios`. The api is the one validator: the form does not
 * second-guess ranges, so a refusal always names the field the way docs/api.md does. Only JSON
 * that does not parse is refused here (`notifications`), since there is no body to send then.
 */
export function scenarioBody(f: ScenarioForm): { body: Record<string, unknown> } | { invalid: Record<string, string> } {
  let notifications: unknown;
  try {
    notifications = f.notifications.trim() === "" ? [] : JSON.parse(f.notifications);
  } catch (e) {
    return { invalid: { notifications: `not valid JSON: ${(e as Error).message}` } };
  }
  const scheduled = f.cron.trim() !== "" || f.at.trim() !== "";
  return {
    body: {
      name: f.name,
      description: f.description === "" ? null : f.description,
      testSuiteId: f.testSuiteId,
      configurationId: f.configurationId,
      pendingTimeout: number(f.pendingTimeout),
      runningTimeout: number(f.runningTimeout),
      retries: number(f.retries),
      concurrency: f.concurrencyMax.trim() === "" ? null : { max: number(f.concurrencyMax), whenFull: f.whenFull },
      // Left out, the api keeps the current schedule (pause, resume and remove are calls of their own).
      schedule: scheduled
        ? {
            cron: f.cron.trim() || null,
            timeZone: f.timeZone.trim() || null,
            at: f.at.trim() || null,
            overlap: f.overlap || null,
          }
        : undefined,
      notifications,
      retention: f.retentionKind === "" ? null : { [f.retentionKind]: number(f.retention) },
    },
  };
}

function human(ms: string): string {
  const n = Number(ms);
  if (!Number.isFinite(n) || ms.trim() === "") {
    return "";
  }
  return n >= 3_600_000 ? `${+(n / 3_600_000).toFixed(2)} h` : n >= 60_000 ? `${+(n / 60_000).toFixed(2)} min` : `${n / 1000} s`;
}

export function ScenarioEditPage(props: { id: string | null }) {
  const me = useMe();
  const editable = canOperate(me);
  const editor = useDefinition<ScenarioDetail>("scenarios", props.id);
  const [form, setForm] = useState<ScenarioForm>(() => scenarioForm(null));
  const [clientErrors, setClientErrors] = useState<Record<string, string>>({});
  const suites = useQuery({ queryKey: ["suites"], queryFn: () => getJson<Page<Definition>>("/api/v1/suites?size=500") });
  const configurations = useQuery({
    queryKey: ["configurations"],
    queryFn: () => getJson<Page<Definition>>("/api/v1/configurations?size=500"),
  });
  // Pausing, resuming and removing a schedule are calls of their own (docs/scheduling.md); the
  // form then shows the scenario as stored (edits not saved yet are dropped).
  const schedule = useMutation({
    mutationFn: (action: "pause" | "resume" | "remove") => {
      const path = `/api/v1/scenarios/${encodeURIComponent(props.id!)}/schedule`;
      return action === "remove" ? deleteCall(path) : postJson(`${path}/${action}`);
    },
    onSuccess: () => editor.reload(),
  });
  const run = useMutation({
    mutationFn: () =>
      postJson<Execution>(`/api/v1/scenarios/${encodeURIComponent(props.id!)}/run`, { reason: "run from the console" }),
    onSuccess: (execution) => execution && navigate(`/executions/${execution.id}`),
  });

  useEffect(() => {
    if (editor.stored !== undefined) {
      setForm(scenarioForm(editor.stored));
    }
  }, [editor.version, editor.stored === null]); // eslint-disable-line react-hooks/exhaustive-deps

  const errors =
    Object.keys(clientErrors).length > 0 ? { fields: clientErrors, general: [] } : editor.errors;
  const set = (key: keyof ScenarioForm) => (e: { target: { value: string } }) =>
    setForm({ ...form, [key]: e.target.value });

  const submit = () => {
    const built = scenarioBody(form);
    if ("invalid" in built) {
      setClientErrors(built.invalid);
      return;
    }
    setClientErrors({});
    void editor.save(built.body);
  };

  const header = (stored: ScenarioDetail) => (
    <>
      <div className="actions">
        <Link to={`/executions?scenarioId=${encodeURIComponent(stored.id)}`}>Executions</Link>
        {editable && (
          <button type="button" disabled={run.isPending} onClick={() => run.mutate()}>
            Run now
          </button>
        )}
        {run.error && (
          <span role="alert" className="error">
            {run.error.message}
          </span>
        )}
      </div>
      <p className="help">Last changed {when(stored.updatedAt)}.</p>
    </>
  );
  const stored = editor.stored;
  return (
    <DefinitionForm editor={editor} noun="Scenario" fields={FIELDS} errors={errors} editable={editable} onSubmit={submit} header={header}>
        <fieldset disabled={!editable || editor.saving}>
          <legend>What runs</legend>
          <Field id="sc-name" label="Name" field="name" errors={errors}>
            {(aria) => <input {...aria} value={form.name} onChange={set("name")} />}
          </Field>
          <Field id="sc-description" label="Description" field="description" errors={errors}>
            {(aria) => <textarea {...aria} rows={2} value={form.description} onChange={set("description")} />}
          </Field>
          <Field id="sc-suite" label="Suite" field="testSuiteId" errors={errors}>
            {(aria) => (
              <select {...aria} value={form.testSuiteId} onChange={set("testSuiteId")}>
                <option value="">— choose a suite —</option>
                {options(suites.data, form.testSuiteId)}
              </select>
            )}
          </Field>
          <Field id="sc-configuration" label="Configuration" field="configurationId" errors={errors}>
            {(aria) => (
              <select {...aria} value={form.configurationId} onChange={set("configurationId")}>
                <option value="">— choose a configuration —</option>
                {options(configurations.data, form.configurationId)}
              </select>
            )}
          </Field>
        </fieldset>
        <fieldset disabled={!editable || editor.saving}>
          <legend>Timeouts and retries</legend>
          <Field id="sc-pending" label="Pending timeout (ms)" field="pendingTimeout" errors={errors}
            help={`How long it may wait for machines; 1 s to 7 days, default 30 min. ${human(form.pendingTimeout)}`}>
            {(aria) => <input {...aria} inputMode="numeric" value={form.pendingTimeout} onChange={set("pendingTimeout")} />}
          </Field>
          <Field id="sc-running" label="Running timeout (ms)" field="runningTimeout" errors={errors}
            help={`How long it may run; 1 s to 7 days, default 2 h. ${human(form.runningTimeout)}`}>
            {(aria) => <input {...aria} inputMode="numeric" value={form.runningTimeout} onChange={set("runningTimeout")} />}
          </Field>
          <Field id="sc-retries" label="Retries" field="retries" errors={errors} help="Runs of a failed test again, 0 to 10.">
            {(aria) => <input {...aria} inputMode="numeric" value={form.retries} onChange={set("retries")} />}
          </Field>
        </fieldset>
        <fieldset disabled={!editable || editor.saving}>
          <legend>Concurrency</legend>
          <Field id="sc-concurrency-max" label="At most running at once" field="concurrency.max" errors={errors}
            help="Empty: no limit. Beyond it a run waits (queue) or is refused (reject).">
            {(aria) => <input {...aria} inputMode="numeric" value={form.concurrencyMax} onChange={set("concurrencyMax")} />}
          </Field>
          <Field id="sc-when-full" label="When full" field="concurrency.whenFull" errors={errors}>
            {(aria) => (
              <select {...aria} value={form.whenFull} onChange={set("whenFull")}>
                <option value="queue">queue</option>
                <option value="reject">reject</option>
              </select>
            )}
          </Field>
        </fieldset>
        <fieldset disabled={!editable || editor.saving}>
          <legend>Schedule</legend>
          {stored?.schedule && (
            <div className="inline" data-testid="schedule-state">
              <span>
                {stored.schedule.state}; next: {stored.schedule.nextFires.slice(0, 3).map(when).join(", ") || "—"}
              </span>
              {editable && (
                <>
                  {stored.schedule.state === "paused" ? (
                    <button type="button" onClick={() => schedule.mutate("resume")}>Resume</button>
                  ) : (
                    stored.schedule.state === "active" && (
                      <button type="button" onClick={() => schedule.mutate("pause")}>Pause</button>
                    )
                  )}
                  <ConfirmButton label="Remove schedule" question="Remove the schedule?" confirmLabel="Yes, remove" onConfirm={() => schedule.mutate("remove")} />
                </>
              )}
              {schedule.error && (
                <span role="alert" className="error">
                  {schedule.error.message}
                </span>
              )}
            </div>
          )}
          <Field id="sc-cron" label="Cron" field="schedule.cron" errors={errors} help="e.g. 0 2 * * 1-5; with cron and time empty, saving keeps the current schedule (Remove schedule removes it).">
            {(aria) => <input {...aria} value={form.cron} onChange={set("cron")} />}
          </Field>
          <Field id="sc-timezone" label="Time zone" field="schedule.timeZone" errors={errors} help="e.g. Europe/Paris; default UTC.">
            {(aria) => <input {...aria} value={form.timeZone} onChange={set("timeZone")} />}
          </Field>
          <Field id="sc-at" label="Once at (ISO time)" field="schedule.at" errors={errors}>
            {(aria) => <input {...aria} value={form.at} onChange={set("at")} placeholder="2026-12-24T18:00:00Z" />}
          </Field>
          <Field id="sc-overlap" label="Overlap" field="schedule.overlap" errors={errors}>
            {(aria) => (
              <select {...aria} value={form.overlap} onChange={set("overlap")}>
                <option value="">default</option>
                <option value="skip">skip</option>
                <option value="buffer-one">buffer-one</option>
                <option value="allow">allow</option>
              </select>
            )}
          </Field>
        </fieldset>
        <fieldset disabled={!editable || editor.saving}>
          <legend>Notifications and retention</legend>
          <Field id="sc-notifications" label="Notifications (JSON)" field="notifications" errors={errors}
            help='A list, e.g. [{"type": "webhook", "url": "https://…", "on": "not-ok"}]; a webhook secret left out is kept.'>
            {(aria) => <textarea {...aria} className="code" rows={5} value={form.notifications} onChange={set("notifications")} spellCheck={false} />}
          </Field>
          <Field id="sc-retention-kind" label="Keep ended executions" field="retention" errors={errors}>
            {(aria) => (
              <select {...aria} value={form.retentionKind} onChange={set("retentionKind")}>
                <option value="">as the consumer's default</option>
                <option value="days">for a number of days</option>
                <option value="lastExecutions">the last N executions</option>
              </select>
            )}
          </Field>
          {form.retentionKind !== "" && (
            <Field id="sc-retention" label={form.retentionKind === "days" ? "Days" : "Executions"} field={`retention.${form.retentionKind}`} errors={errors}>
              {(aria) => <input {...aria} inputMode="numeric" value={form.retention} onChange={set("retention")} />}
            </Field>
          )}
        </fieldset>
    </DefinitionForm>
  );
}
/** A select's options, keeping a current id that the list does not hold (deleted, or beyond it). */
function options(page: Page<Definition> | undefined, current: string) {
  const items = page?.items ?? [];
  const all = current && !items.some((d) => d.id === current) ? [...items, { id: current, name: current }] : items;
  return all.map((d) => (
    <option key={d.id} value={d.id}>
      {d.name}
    </option>
  ));
}
