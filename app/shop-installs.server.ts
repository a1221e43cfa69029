/**
 * The install work each shop has in flight in this process. shopify-app-remix stores a shop's new offline session
 * and only then runs afterAuth (the install bookkeeping: organization, integration, webhooks, first sync). A request
 * that runs beside it — the layout's and the page's loaders of the same page load share one session token, and the
 * library runs afterAuth for only one of them; a request that arrives while the install still runs finds the session
 * and skips afterAuth — would read the shop before it is installed ("needs attention", no store, "not set up yet").
 * Every authenticated request of a shop waits for that shop's install here before it reads anything.
 *
 * Per process: the web process is the only one that runs afterAuth. Installs of one shop run one after another.
 *
 * The wait is bounded (`maxWaitMs`): an install's Shopify calls may each take minutes before they give up (timeouts
 * and retries, ADR 0019 addendum), and a request must not hang with them, nor pile up behind them. Past the bound the
 * request reads what the install has written so far, as it did before there was a wait.
 */
export class ShopInstalls {
  private readonly inFlight = new Map<string, Promise<unknown>>();
  /** The requests waiting for each shop's installs, released when the last one ends or by their own timer. */
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly maxWaitMs: number;

  constructor(options: { maxWaitMs?: number } = {}) {
    this.maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  }

  /** Runs `work` as the shop's install, after any install of the shop already in flight. */
  run<T>(shop: string, work: () => Promise<T>): Promise<T> {
    const before = this.inFlight.get(shop) ?? Promise.resolve();
    const current = before.then(work, work);
    const tracked = current.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.set(shop, tracked);
    void tracked.then(() => {
      // An install queued behind this one is in the map instead: its waiters wait for it too.
      if (this.inFlight.get(shop) !== tracked) return;
      this.inFlight.delete(shop);
      for (const release of this.waiters.get(shop) ?? []) release();
    });
    return current;
  }

  /**
   * Resolves once no install of the shop is in flight, or after `maxWaitMs` in all. Never rejects: a failed install
   * is the request that ran it to report; the others read whatever it left. A request that stops waiting leaves
   * nothing behind, however long the install still runs.
   */
  settled(shop: string): Promise<void> {
    if (!this.inFlight.has(shop)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const waiting = this.waiters.get(shop) ?? new Set<() => void>();
      this.waiters.set(shop, waiting);
      const release = () => {
        clearTimeout(timer);
        waiting.delete(release);
        if (waiting.size === 0 && this.waiters.get(shop) === waiting) this.waiters.delete(shop);
        resolve();
      };
      const timer = setTimeout(release, this.maxWaitMs);
      waiting.add(release);
    });
  }
}

/** How long a request waits for its shop's install at most (a first install takes a few seconds). */
const DEFAULT_MAX_WAIT_MS = 15_000;

declare global {
  var __commerceSyncShopInstalls: ShopInstalls | undefined;
}

/** The process's installs in flight (kept on globalThis across development reloads). */
export function shopInstalls(): ShopInstalls {
  global.__commerceSyncShopInstalls ??= new ShopInstalls();
  return global.__commerceSyncShopInstalls;
}
