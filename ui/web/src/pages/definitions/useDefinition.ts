import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError, getTagged, postJson, putTagged } from "../../api";
import { errorsOf, NO_ERRORS, type FormErrors } from "../../problems";
import { navigate } from "../../router";

/** The definitions the console edits, by their REST collection (docs/api.md). */
export type Collection = "scenarios" | "suites" | "configurations";

export interface DefinitionEditor<T> {
  /** The stored definition; undefined while loading, null for a new one. */
  stored: T | null | undefined;
  loadError: Error | null;
  errors: FormErrors;
  /** Whether the last save was refused with 412: someone else saved first. */
  stale: boolean;
  saving: boolean;
  notice: string | null;
  save: (body: unknown) => Promise<void>;
  /** Reads the current version again (after a 412), dropping the edits. */
  reload: () => Promise<void>;
  /** Bumped on every load, so the form resets its fields from `stored`. */
  version: number;
}

/**
 * Loads one definition with its ETag and saves it with If-Match, so a change someone else saved
 * meanwhile is refused (412) rather than overwritten; a new one is POSTed and then opened at its
 * URL. Refusals come back sorted by field for the form (problems.ts).
 */
export function useDefinition<T extends { id: string }>(collection: Collection, id: string | null): DefinitionEditor<T> {
  const client = useQueryClient();
  const path = `/api/v1/${collection}/${encodeURIComponent(id ?? "")}`;
  const query = useQuery({
    queryKey: [collection, id, "tagged"],
    queryFn: () => getTagged<T>(path),
    enabled: id !== null,
    gcTime: 0, // an edit always starts from the current version and its tag
    refetchOnWindowFocus: false,
  });
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [stale, setStale] = useState(false);
  const [saving, setSaving] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const save = async (body: unknown) => {
    setSaving(true);
    setErrors(NO_ERRORS);
    setNotice(null);
    try {
      if (id === null) {
        const created = await postJson<T>(`/api/v1/${collection}`, body);
        await client.invalidateQueries({ queryKey: [collection] });
        navigate(`/${collection}/${created!.id}`);
        return;
      }
      const saved = await putTagged<T>(path, body, query.data?.etag ?? null);
      client.setQueryData([collection, id, "tagged"], saved);
      await client.invalidateQueries({ queryKey: [collection], exact: true });
      setStale(false);
      setNotice("Saved.");
    } catch (e) {
      const stale = e instanceof ApiError && e.problem.status === 412;
      setStale(stale);
      setErrors(stale ? NO_ERRORS : errorsOf(e));
    } finally {
      setSaving(false);
    }
  };

  const reload = async () => {
    setErrors(NO_ERRORS);
    setStale(false);
    setNotice(null);
    await query.refetch();
  };

  return {
    stored: id === null ? null : query.data?.body,
    loadError: query.error,
    errors,
    stale,
    saving,
    notice,
    save,
    reload,
    version: query.dataUpdatedAt,
  };
}
