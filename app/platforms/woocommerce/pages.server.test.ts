import { describe, expect, it } from "vitest";
import { mapLimit, streamPages, type FetchedPage } from "./pages.server";

/** A fake list endpoint: `total` records, 10 per page, answering after `delayMs`, counting requests in flight. */
function endpoint(
  total: number,
  options: { delayMs?: number; failPage?: number; pastEndTotal?: number } = {},
) {
  const state = { inFlight: 0, highWater: 0, requested: [] as number[] };
  const fetchPage = async (page: number, signal: AbortSignal): Promise<FetchedPage<number>> => {
    state.requested.push(page);
    state.inFlight++;
    state.highWater = Math.max(state.highWater, state.inFlight);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, options.delayMs ?? 5);
        signal.addEventListener("abort", () => {
          clearTimeout(timer);
          reject(signal.reason);
        });
      });
      if (page === options.failPage) throw new Error(`page ${page} failed`);
      const records = Array.from(
        { length: Math.max(0, Math.min(10, total - (page - 1) * 10)) },
        (_, i) => (page - 1) * 10 + i,
      );
      const pastEnd = records.length === 0;
      return {
        records,
        totalPages: pastEnd && options.pastEndTotal !== undefined ? 0 : Math.ceil(total / 10),
        total: pastEnd && options.pastEndTotal !== undefined ? options.pastEndTotal : total,
        date: undefined,
      };
    } finally {
      state.inFlight--;
    }
  };
  return { fetchPage, state };
}

async function collect(gen: AsyncGenerator<[number, FetchedPage<number>]>) {
  const pages: number[] = [];
  const records: number[] = [];
  for await (const [page, fetched] of gen) {
    pages.push(page);
    records.push(...fetched.records);
  }
  return { pages, records };
}

describe("page stream", () => {
  const signal = new AbortController().signal;

  it("reads page 1 alone, then the rest with bounded concurrency, yielding in order", async () => {
    const { fetchPage, state } = endpoint(95);
    const out = await collect(streamPages(fetchPage, { startPage: 1, perPage: 10, concurrency: 4, signal }));
    expect(out.pages).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(out.records).toEqual(Array.from({ length: 95 }, (_, i) => i));
    expect(state.highWater).toBe(4);
    expect(state.requested[0]).toBe(1);
  });

  it("reads one page at a time with concurrency 1", async () => {
    const { fetchPage, state } = endpoint(45);
    await collect(streamPages(fetchPage, { startPage: 1, perPage: 10, concurrency: 1, signal }));
    expect(state.highWater).toBe(1);
  });

  it("stops at an empty page past the end even when its headers say nothing useful", async () => {
    const { fetchPage, state } = endpoint(40, { pastEndTotal: 0 });
    const out = await collect(streamPages(fetchPage, { startPage: 1, perPage: 10, concurrency: 3, signal }));
    expect(out.records).toHaveLength(40);
    expect(Math.max(...state.requested)).toBe(5); // page 5 is past the end: [] and X-WP-Total 0, then nothing more
  });

  it("resumes at a later page", async () => {
    const { fetchPage } = endpoint(50);
    const out = await collect(streamPages(fetchPage, { startPage: 4, perPage: 10, concurrency: 2, signal }));
    expect(out.pages).toEqual([4, 5]); // page 6 answers [] and ends the stream
  });

  it("throws at the failed page's turn, after yielding the pages before it, and aborts the others", async () => {
    const { fetchPage, state } = endpoint(200, { failPage: 4 });
    const pages: number[] = [];
    await expect(async () => {
      for await (const [page] of streamPages(fetchPage, {
        startPage: 1,
        perPage: 10,
        concurrency: 3,
        signal,
      }))
        pages.push(page);
    }).rejects.toThrow("page 4 failed");
    expect(pages).toEqual([1, 2, 3]);
    await new Promise((r) => setTimeout(r, 20));
    expect(state.inFlight).toBe(0);
  });
});

describe("mapLimit", () => {
  it("keeps input order and the limit", async () => {
    let active = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 3, 2, 4], 2, async (n) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, n));
      active--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 30, 20, 40]);
    expect(peak).toBe(2);
  });
});
