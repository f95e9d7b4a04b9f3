import { describe, expect, it } from "vitest";
import { EMPTY_TAIL, readTail, type TailReader } from "./logTail";
import type { LogChunk, LogTailPage } from "./model";

function chunk(position: number): LogChunk {
  return { testId: "t", machine: "m", attempt: 1, stage: "run", stream: "stdout", seq: position, text: `line ${position}\n`, position };
}

/** An api holding `stored` chunks, answering pages of `size`, recording each `after` asked. */
function api(stored: () => number, size = 3): { read: TailReader; asked: number[] } {
  const asked: number[] = [];
  const read: TailReader = async (after) => {
    asked.push(after);
    const items: LogChunk[] = [];
    for (let p = after + 1; p <= Math.min(stored(), after + size); p++) {
      items.push(chunk(p));
    }
    const last = items[items.length - 1]?.position ?? after;
    const page: LogTailPage = { items, size, next: last < stored() ? last : null };
    return page;
  };
  return { read, asked };
}

describe("readTail", () => {
  it("givenAnEmptyTail_whenRead_thenEveryPageIsFollowedUntilNextIsNull", async () => {
    const { read, asked } = api(() => 7);
    const tail = await readTail(read, EMPTY_TAIL);
    expect(tail.chunks.map((c) => c.position)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(tail.after).toBe(7);
    expect(asked).toEqual([0, 3, 6]);
  });

  it("givenARunningLog_whenReadAgain_thenOnlyWhatWasStoredSinceIsAskedFor", async () => {
    let stored = 4;
    const { read, asked } = api(() => stored);
    const first = await readTail(read, EMPTY_TAIL);
    stored = 6;
    const second = await readTail(read, first);
    expect(second.chunks.map((c) => c.text)).toEqual([1, 2, 3, 4, 5, 6].map((p) => `line ${p}\n`));
    expect(asked).toEqual([0, 3, 4]);
  });

  it("givenNothingNew_whenRead_thenTheSameStateComesBack", async () => {
    const { read } = api(() => 2);
    const first = await readTail(read, EMPTY_TAIL);
    expect(await readTail(read, first)).toBe(first);
  });

  it("givenALongLog_whenRead_thenTheLatestChunksAreKeptAndOnePageLimitHolds", async () => {
    const { read, asked } = api(() => 100, 10);
    const tail = await readTail(read, EMPTY_TAIL, { maxPages: 4, keep: 25 });
    expect(asked).toEqual([0, 10, 20, 30]);
    expect(tail.after).toBe(40);
    expect(tail.chunks.map((c) => c.position)).toEqual(Array.from({ length: 25 }, (_, i) => 16 + i));
    expect(tail.dropped).toBe(true);
  });

  it("givenAFilterThatSkipsChunks_whenNextMovesPastThem_thenTheCursorFollowsNext", async () => {
    // The api scanned positions 1-50 and kept none: the next read starts after 50.
    const read: TailReader = async (after) =>
      after === 0 ? { items: [], size: 10, next: 50 } : { items: [chunk(51)], size: 10, next: null };
    const tail = await readTail(read, EMPTY_TAIL);
    expect(tail.chunks.map((c) => c.position)).toEqual([51]);
    expect(tail.after).toBe(51);
  });
});
