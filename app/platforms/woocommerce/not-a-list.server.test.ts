/**
 * A list endpoint answering 200 with JSON that is not a list (a caching or security plugin rewriting REST answers,
 * WordPress's "critical error" object): through the real client and the sync source over loopback HTTP, it fails
 * with a message a store owner can act on. Before, such a page read as empty, so a sync stopped early and looked
 * complete.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WooRequestError } from "./errors";
import { createWooSource } from "./source.server";
import { NO_ROUTE, startLoopbackStore, type LoopbackStore } from "./testing/loopback-store";

/** What a plugin's cache answered for the list, with WordPress's list headers still on it. */
const CACHED = { code: "cache_hit", message: "Served from <b>cache</b>", data: { status: 200 } };

describe("a list endpoint answering with something other than a list", () => {
  let store: LoopbackStore;
  const client = () => store.client();

  beforeAll(async () => {
    const bodies: Record<string, unknown> = {
      "/wp-json/wc/v3/orders": CACHED,
      "/wp-json/wc/v3/customers": {},
      "/wp-json/wc/v3/products": null,
      "/wp-json/wc/v3/webhooks": [],
    };
    store = await startLoopbackStore((req, res) => {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      res.writeHead(path in bodies ? 200 : 404, {
        "Content-Type": "application/json; charset=UTF-8",
        "X-WP-Total": "250",
        "X-WP-TotalPages": "3",
      });
      res.end(path in bodies ? JSON.stringify(bodies[path]) : NO_ROUTE);
    });
  });
  afterAll(() => store.close());

  it("GIVEN an object with a message WHEN a list page is read THEN it fails quoting it, never as an empty page", async () => {
    const failure = await client()
      .list("orders", { page: 1, per_page: 100 })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WooRequestError);
    expect(failure).toMatchObject({
      code: "woocommerce_not_json",
      status: 200,
      wooCode: "cache_hit",
      retryable: true,
    });
    expect((failure as Error).message).toMatch(
      /^The store answered with "Served from cache" \(cache_hit\) instead of a list while reading orders\. A caching, security or translation plugin may be rewriting/,
    );
  });

  it("GIVEN {} or null WHEN a list page is read THEN the message says what came instead", async () => {
    const c = client();
    await expect(c.list("customers", { page: 1 })).rejects.toThrow(
      /^The store answered with an object instead of a list while reading customers\./,
    );
    await expect(c.list("products", { page: 1 })).rejects.toThrow(
      /^The store answered with null instead of a list while reading products\./,
    );
  });

  it("GIVEN an empty list WHEN read as a list THEN it is an empty page; a single read still takes an object", async () => {
    const c = client();
    expect((await c.list("webhooks", { page: 1 })).data).toEqual([]);
    expect((await c.get("orders", { page: 1 })).data).toEqual(CACHED);
  });

  it("GIVEN the sync source WHEN its orders list answers an object THEN the read fails instead of ending empty", async () => {
    const reader = createWooSource({ client: client(), pageConcurrency: 2, currency: "USD" }).readers.orders!;
    const pages: unknown[] = [];
    const read = (async () => {
      for await (const page of reader.read(null, new AbortController().signal)) pages.push(page);
    })();
    await expect(read).rejects.toThrow(/instead of a list while reading orders/);
    expect(pages).toEqual([]);
  });
});
