import { clearToken, storedToken } from "./session";

/** An RFC 9457 problem as the api answers every error (docs/api.md, "Errors"). */
export interface Problem {
  title?: string;
  status: number;
  detail?: string;
  /** Per-field refusals, if the api ever lists them apart from `detail` (see problems.ts). */
  errors?: { pointer?: string; field?: string; detail?: string; message?: string }[];
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
  }
}

/** Called when the api refuses the token, so the app can show the sign-in form again. */
let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

async function send(path: string, init: RequestInit, token = storedToken()): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token) {
    headers.set("Authorization", `Bearer ${token}`);
  }
  if (init.body !== undefined) {
    headers.set("Content-Type", "application/json");
  }
  const response = await fetch(path, { ...init, headers });
  if (!response.ok) {
    let problem: Problem = { status: response.status };
    try {
      problem = { ...problem, ...(await response.json()) };
    } catch {
      // Not a problem document: keep the status.
    }
    if (response.status === 401 && token === storedToken()) {
      clearToken();
      onUnauthorized();
    }
    throw new ApiError(problem);
  }
  return response;
}

export async function getJson<T>(path: string, token?: string): Promise<T> {
  return (await send(path, { method: "GET" }, token ?? storedToken())).json() as Promise<T>;
}

export async function postJson<T>(path: string, body?: unknown): Promise<T | null> {
  const response = await send(path, {
    method: "POST",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.status === 204 ? null : ((await response.json()) as T);
}

/** A definition and the ETag to send back in If-Match when saving it (docs/api.md). */
export interface Tagged<T> {
  body: T;
  etag: string | null;
}

export async function getTagged<T>(path: string): Promise<Tagged<T>> {
  const response = await send(path, { method: "GET" });
  return { body: (await response.json()) as T, etag: response.headers.get("ETag") };
}

/** A PUT that fails with 412 when `etag` is no longer current, so nobody's change is lost. */
export async function putTagged<T>(path: string, body: unknown, etag: string | null): Promise<Tagged<T>> {
  const response = await send(path, {
    method: "PUT",
    body: JSON.stringify(body),
    headers: etag ? { "If-Match": etag } : undefined,
  });
  return { body: (await response.json()) as T, etag: response.headers.get("ETag") };
}

export async function putJson<T>(path: string, body: unknown): Promise<T> {
  return (await send(path, { method: "PUT", body: JSON.stringify(body) })).json() as Promise<T>;
}

export async function deleteCall(path: string): Promise<void> {
  await send(path, { method: "DELETE" });
}

/** A protected file's bytes, fetched with the token. */
export async function fetchBlob(path: string): Promise<Blob> {
  return (await send(path, { method: "GET" })).blob();
}

/**
 * Downloads a protected file: the token goes in a header, so the browser cannot follow a plain
 * link; the bytes become a blob: URL that is clicked once and revoked.
 */
export async function download(path: string, fileName: string): Promise<void> {
  const blob = await fetchBlob(path);
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}
