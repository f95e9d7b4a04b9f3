import type { LogChunk, LogTailPage } from "./model";

/** What the console holds of a log it tails: the chunks read so far and where to read on. */
export interface TailState {
  chunks: LogChunk[];
  /** The `after` of the next read: the position of the last chunk read (0 before any). */
  after: number;
  /** Older chunks were dropped to keep at most `keep` in memory. */
  dropped: boolean;
}

export const EMPTY_TAIL: TailState = { chunks: [], after: 0, dropped: false };

/** One page of the log after a position (`GET …/logs?after=&size=`, docs/api.md). */
export type TailReader = (after: number) => Promise<LogTailPage>;

/**
 * Reads what was stored after `prev.after`, page by page while the api says more follow (at most
 * `maxPages`, so one refresh stays bounded), and appends it: a refresh never reads the log again
 * from the start. Keeps the latest `keep` chunks.
 */
export async function readTail(
  read: TailReader,
  prev: TailState,
  options: { maxPages?: number; keep?: number } = {},
): Promise<TailState> {
  const maxPages = options.maxPages ?? 20;
  const keep = options.keep ?? 5_000;
  let after = prev.after;
  const added: LogChunk[] = [];
  for (let page = 0; page < maxPages; page++) {
    const answer = await read(after);
    added.push(...answer.items);
    const last = answer.items[answer.items.length - 1];
    // `next` is null at the end of what is stored; read on from the last chunk then.
    after = answer.next ?? last?.position ?? after;
    if (answer.next === null) {
      break;
    }
  }
  if (added.length === 0) {
    return prev.after === after ? prev : { ...prev, after };
  }
  const chunks = [...prev.chunks, ...added];
  const dropped = prev.dropped || chunks.length > keep;
  return { chunks: chunks.length > keep ? chunks.slice(chunks.length - keep) : chunks, after, dropped };
}
