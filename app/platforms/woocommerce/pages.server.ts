/**
 * Page streaming for WooCommerce list endpoints: the first page alone (it tells how many pages there are), then the
 * rest with at most `concurrency` requests in flight, yielded strictly in page order so the engine commits them (and
 * their cursors) in order. Stops at the first empty page — with the new order tables a page past the end answers
 * 200 `[]` with `X-WP-Total: 0`, so headers are not trusted for the end — or at a short page.
 */

/** A count header (`X-WP-Total`, `X-WP-TotalPages`) as a number, or null when absent or not a plain integer. */
export function countHeader(value: string | undefined): number | null {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : null;
}

export interface FetchedPage<T> {
  records: T[];
  /** X-WP-TotalPages / X-WP-Total of this answer, when sent. */
  totalPages: number | null;
  total: number | null;
  /** The answer's HTTP `Date` header. */
  date: string | undefined;
}

export interface PageStreamOptions {
  /** First page to read (1 for a new read; last committed + 1 when resuming). */
  startPage: number;
  perPage: number;
  /** Requests in flight at once after the first page (1 = one page at a time). */
  concurrency: number;
  signal: AbortSignal;
}

/** Yields `[pageNumber, page]` in order. A failed page throws at its turn; requests already in flight are aborted. */
export async function* streamPages<T>(
  fetchPage: (page: number, signal: AbortSignal) => Promise<FetchedPage<T>>,
  options: PageStreamOptions,
): AsyncGenerator<[number, FetchedPage<T>]> {
  const inner = new AbortController();
  const onAbort = () => inner.abort(options.signal.reason);
  options.signal.addEventListener("abort", onAbort, { once: true });
  const pending = new Map<number, Promise<FetchedPage<T>>>();
  const start = (page: number) => {
    const promise = fetchPage(page, inner.signal);
    // Rejections are observed when the page's turn comes; never leave one unhandled meanwhile.
    promise.catch(() => undefined);
    pending.set(page, promise);
  };
  try {
    options.signal.throwIfAborted();
    const first = await fetchPage(options.startPage, inner.signal);
    yield [options.startPage, first];
    if (first.records.length === 0 || first.records.length < options.perPage) return;
    // The number of pages as the store saw it at the first answer; a full last page means more may have come since.
    const lastKnown = first.totalPages ?? options.startPage + 1;
    const width = Math.max(1, options.concurrency);
    let next = options.startPage + 1;
    let stopAfter = Number.POSITIVE_INFINITY;
    const fill = () => {
      while (pending.size < width && next <= stopAfter && (next <= lastKnown || pending.size === 0)) {
        start(next++);
      }
    };
    fill();
    for (let page = options.startPage + 1; page <= stopAfter && pending.has(page); page++) {
      const result = await pending.get(page)!;
      pending.delete(page);
      if (result.records.length === 0) return;
      if (result.records.length < options.perPage) stopAfter = page;
      yield [page, result];
      fill();
    }
  } finally {
    options.signal.removeEventListener("abort", onAbort);
    if (pending.size > 0) inner.abort(new Error("page stream closed"));
  }
}

/** Runs `fn` over `items` with at most `limit` at once; results in input order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let index = 0;
  const workers = Array.from({ length: Math.min(Math.max(1, limit), items.length) }, async () => {
    while (index < items.length) {
      const i = index++;
      results[i] = await fn(items[i]);
    }
  });
  await Promise.all(workers);
  return results;
}
