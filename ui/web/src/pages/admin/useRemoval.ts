import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { deleteCall } from "../../api";

/** A confirmed DELETE of a listed item: its refusal (a 409 saying why) stays on the page. */
export function useRemoval(list: string) {
  const client = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const remove = async (path: string) => {
    setError(null);
    try {
      await deleteCall(path);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
    await client.invalidateQueries({ queryKey: [list] });
  };
  return { remove, error };
}
