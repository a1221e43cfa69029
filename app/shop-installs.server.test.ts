import { describe, expect, it } from "vitest";
import { ShopInstalls } from "./shop-installs.server";

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** True once `promise` has settled (after the pending microtasks ran). */
async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((r) => setTimeout(r, 0));
  return settled;
}

describe("a shop's installs in flight", () => {
  it("a request of the shop waits for its install; another shop's does not", async () => {
    const installs = new ShopInstalls();
    const install = deferred();
    const running = installs.run("a.myshopify.com", () => install.promise);
    const waiting = installs.settled("a.myshopify.com");
    expect(await isSettled(waiting)).toBe(false);
    expect(await isSettled(installs.settled("b.myshopify.com"))).toBe(true);
    install.resolve();
    await running;
    expect(await isSettled(waiting)).toBe(true);
  });

  it("runs a second install of the shop after the first, and a waiter waits for both", async () => {
    const installs = new ShopInstalls();
    const first = deferred();
    const second = deferred();
    const order: string[] = [];
    void installs.run("a.myshopify.com", async () => {
      order.push("first started");
      await first.promise;
      order.push("first done");
    });
    void installs.run("a.myshopify.com", async () => {
      order.push("second started");
      await second.promise;
    });
    const waiting = installs.settled("a.myshopify.com");
    first.resolve();
    expect(await isSettled(waiting)).toBe(false);
    expect(order).toEqual(["first started", "first done", "second started"]);
    second.resolve();
    expect(await isSettled(waiting)).toBe(true);
  });

  it("a failed install fails only the request that ran it; the shop's other requests carry on", async () => {
    const installs = new ShopInstalls();
    const install = deferred();
    const running = installs.run("a.myshopify.com", () => install.promise);
    const waiting = installs.settled("a.myshopify.com");
    install.reject(new Error("Shopify refused the call"));
    await expect(running).rejects.toThrow("Shopify refused the call");
    await expect(waiting).resolves.toBeUndefined();
    // Nothing is left in flight: the next request does not wait.
    expect(await isSettled(installs.settled("a.myshopify.com"))).toBe(true);
  });
});

describe("a shop's install that never ends", () => {
  it("holds the shop's requests for maxWaitMs at most, then lets them read what the install left", async () => {
    const installs = new ShopInstalls({ maxWaitMs: 50 });
    const stuck = deferred(); // e.g. Shopify holding every call of the install until each times out
    void installs.run("a.myshopify.com", () => stuck.promise);
    const waiting = installs.settled("a.myshopify.com");
    expect(await isSettled(waiting)).toBe(false);
    await new Promise((r) => setTimeout(r, 80));
    expect(await isSettled(waiting)).toBe(true);
    // The install itself carries on: a later request waits for it again (bounded the same way).
    expect(await isSettled(installs.settled("a.myshopify.com"))).toBe(false);
    stuck.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(await isSettled(installs.settled("a.myshopify.com"))).toBe(true);
  });

  it("bounds the wait across installs queued one after another, not per install", async () => {
    const installs = new ShopInstalls({ maxWaitMs: 60 });
    const first = deferred();
    const second = deferred();
    void installs.run("a.myshopify.com", () => first.promise);
    void installs.run("a.myshopify.com", () => second.promise);
    const waiting = installs.settled("a.myshopify.com");
    await new Promise((r) => setTimeout(r, 40));
    first.resolve();
    await new Promise((r) => setTimeout(r, 40));
    expect(await isSettled(waiting)).toBe(true);
    second.resolve();
  });
});
