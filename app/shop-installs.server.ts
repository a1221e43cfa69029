/**
 * The install work each shop has in flight in this process. shopify-app-remix stores a shop's new offline session
 * and only then runs afterAuth (the install bookkeeping: organization, integration, webhooks, first sync). A request
 * that runs beside it — the layout's and the page's loaders of the same page load share one session token, and the
 * library runs afterAuth for only one of them; a request that arrives while the install still runs finds the session
 * and skips afterAuth — would read the shop before it is installed ("needs attention", no store, "not set up yet").
 * Every authenticated request of a shop waits for that shop's install here before it reads anything.
 *
 * Per process: the web process is the only one that runs afterAuth. Installs of one shop run one after another.
 */
export class ShopInstalls {
  private readonly inFlight = new Map<string, Promise<unknown>>();

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
      if (this.inFlight.get(shop) === tracked) this.inFlight.delete(shop);
    });
    return current;
  }

  /**
   * Resolves once no install of the shop is in flight. Never rejects: a failed install is the request that ran it to
   * report; the others read whatever it left.
   */
  async settled(shop: string): Promise<void> {
    for (let pending = this.inFlight.get(shop); pending; pending = this.inFlight.get(shop)) {
      await pending;
      // An install queued behind the one just finished is in the map now: wait for it too.
      if (this.inFlight.get(shop) === pending) return;
    }
  }
}

declare global {
  var __commerceSyncShopInstalls: ShopInstalls | undefined;
}

/** The process's installs in flight (kept on globalThis across development reloads). */
export function shopInstalls(): ShopInstalls {
  global.__commerceSyncShopInstalls ??= new ShopInstalls();
  return global.__commerceSyncShopInstalls;
}
