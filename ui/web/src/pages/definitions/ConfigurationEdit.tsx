import { useEffect, useState } from "react";
import { Field } from "../../forms";
import { useMe } from "../../me";
import { canOperate } from "../../model";
import { DefinitionForm } from "./DefinitionForm";
import { useDefinition } from "./useDefinition";

type TargetKind = "machine" | "group" | "selector";

interface Configuration {
  id: string;
  name: string;
  runMode: string;
  type: string;
  target: Partial<Record<TargetKind, string | null>>;
  includeOffline: boolean;
}

const FIELDS = ["name", "runMode", "type", "target", "includeOffline"] as const;
const KINDS: TargetKind[] = ["machine", "group", "selector"];

/** A configuration: where and how a suite runs (docs/configurations.md). */
export function ConfigurationEditPage(props: { id: string | null }) {
  const editable = canOperate(useMe());
  const editor = useDefinition<Configuration>("configurations", props.id);
  const [name, setName] = useState("");
  const [runMode, setRunMode] = useState("mono");
  const [type, setType] = useState("physical");
  const [kind, setKind] = useState<TargetKind>("machine");
  const [target, setTarget] = useState("");
  const [includeOffline, setIncludeOffline] = useState(false);

  useEffect(() => {
    const c = editor.stored;
    if (c) {
      const k = KINDS.find((candidate) => c.target?.[candidate]) ?? "machine";
      setName(c.name);
      setRunMode(c.runMode);
      setType(c.type);
      setKind(k);
      setTarget(c.target?.[k] ?? "");
      setIncludeOffline(c.includeOffline);
    }
  }, [editor.version]); // eslint-disable-line react-hooks/exhaustive-deps

  const errors = editor.errors;
  const submit = () => void editor.save({ name, runMode, type, target: { [kind]: target }, includeOffline });

  return (
    <DefinitionForm editor={editor} noun="Configuration" fields={FIELDS} errors={errors} editable={editable} onSubmit={submit}>
        <fieldset disabled={!editable || editor.saving}>
          <legend>Configuration</legend>
          <Field id="cfg-name" label="Name" field="name" errors={errors}>
            {(aria) => <input {...aria} value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Field id="cfg-run-mode" label="Run mode" field="runMode" errors={errors}>
            {(aria) => (
              <select {...aria} value={runMode} onChange={(e) => setRunMode(e.target.value)}>
                {["mono", "group", "parallel", "stress"].map((m) => (
                  <option key={m} value={m}>{m}</option>
                ))}
              </select>
            )}
          </Field>
          <Field id="cfg-type" label="Machine type" field="type" errors={errors}>
            {(aria) => (
              <select {...aria} value={type} onChange={(e) => setType(e.target.value)}>
                <option value="physical">physical</option>
                <option value="virtual">virtual</option>
              </select>
            )}
          </Field>
          <Field id="cfg-target-kind" label="Target by" field="target" errors={errors}>
            {(aria) => (
              <select {...aria} value={kind} onChange={(e) => setKind(e.target.value as TargetKind)}>
                {KINDS.map((k) => (
                  <option key={k} value={k}>{k}</option>
                ))}
              </select>
            )}
          </Field>
          <Field id="cfg-target" label={`Target ${kind}`} field={`target.${kind}`} errors={{ fields: {}, general: [] }}
            help={kind === "selector" ? "e.g. os=linux,browser in (chrome,firefox)" : undefined}>
            {(aria) => <input {...aria} value={target} onChange={(e) => setTarget(e.target.value)} />}
          </Field>
          <div className="field">
            <label>
              <input type="checkbox" checked={includeOffline} onChange={(e) => setIncludeOffline(e.target.checked)} /> Count
              offline machines when composing the execution
            </label>
          </div>
        </fieldset>
    </DefinitionForm>
  );
}
