import { useEffect, useState } from "react";
import { Field } from "../../forms";
import { useMe } from "../../me";
import { canOperate } from "../../model";
import { DefinitionForm } from "./DefinitionForm";
import { useDefinition } from "./useDefinition";

interface Suite {
  id: string;
  name: string;
  description: string | null;
  tests: unknown[];
}

const FIELDS = ["name", "description", "tests"] as const;
const EXAMPLE = `[
  {"id": "login", "stages": [{"name": "run", "run": "./login-test.sh", "timeout": 600000}]}
]`;

/** A suite: name and description as fields, its tests as the JSON of the REST body (docs/api.md). */
export function SuiteEditPage(props: { id: string | null }) {
  const editable = canOperate(useMe());
  const editor = useDefinition<Suite>("suites", props.id);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [tests, setTests] = useState(EXAMPLE);
  const [jsonError, setJsonError] = useState<string | null>(null);

  useEffect(() => {
    if (editor.stored) {
      setName(editor.stored.name);
      setDescription(editor.stored.description ?? "");
      setTests(JSON.stringify(editor.stored.tests, null, 2));
    }
  }, [editor.version]); // eslint-disable-line react-hooks/exhaustive-deps

  const errors = jsonError ? { fields: { tests: jsonError }, general: [] } : editor.errors;
  const submit = () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(tests);
    } catch (e) {
      setJsonError(`not valid JSON: ${(e as Error).message}`);
      return;
    }
    setJsonError(null);
    void editor.save({ name, description: description || null, tests: parsed });
  };

  return (
    <DefinitionForm editor={editor} noun="Suite" fields={FIELDS} errors={errors} editable={editable} onSubmit={submit}>
      <fieldset disabled={!editable || editor.saving}>
        <legend>Suite</legend>
        <Field id="suite-name" label="Name" field="name" errors={errors}>
          {(aria) => <input {...aria} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field id="suite-description" label="Description" field="description" errors={errors}>
          {(aria) => <textarea {...aria} rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />}
        </Field>
        <Field id="suite-tests" label="Tests (JSON)" field="tests" errors={errors}
          help="The suite's tests as the api takes them; refusals name the test and field, e.g. tests[0].stages[0].timeout.">
          {(aria) => (
            <textarea {...aria} className="code" rows={20} spellCheck={false} value={tests} onChange={(e) => setTests(e.target.value)} />
          )}
        </Field>
      </fieldset>
    </DefinitionForm>
  );
}
