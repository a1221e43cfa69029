/**
 * Chaos 4: the stores misbehave under a real worker process. Transient faults (5xx bursts, requests that never get an
 * answer, Shopify THROTTLED and 429, truncated bulk JSONL) are absorbed: the sync succeeds with exact counts.
 * Faults a merchant must act on (a token revoked mid-sync, WooCommerce keys deleted, protected customer data not
 * approved) put the integration in `needs_attention` with a reason that says what to do; once fixed, the next sync
 * completes with exact counts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppDb } from "../../app/sync/platform";
import { keyringFrom } from "../../app/crypto/encryption.server";
import { sealCredentials } from "../../app/crypto/integration-secrets.server";
import { TEST_ENV } from "../../app/platforms/testing/test-platforms";
import { checked, did, latestRun, waitFor, waitForIdle, workerProcess, type ChaosProcess } from "./lib";
import {
  enqueue,
  expectShopExact,
  expectWooExact,
  SHOP,
  shopifyStore,
  wooStore,
  type WooSetup,
} from "./stores";

async function post(url: string, body: unknown, method = "POST"): Promise<void> {
  const res = await fetch(url, {
    method,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${await res.text()}`);
}

/** Runs one queued sync to the end and returns its run. */
async function syncToEnd(db: AppDb, url: string, integrationId: string, kind: "full" | "incremental") {
  const before = await db.syncRun.count({ where: { integrationId } });
  await enqueue(db, url, { integrationId, kind, triggeredBy: "merchant:chaos" });
  await waitFor(
    "the sync to start",
    async () => (await db.syncRun.count({ where: { integrationId } })) > before,
  );
  const runs = await waitForIdle(db, integrationId);
  return runs.at(-1)!;
}

/** Retried store calls in the integration's audit trail (store.calls rows), with their HTTP statuses. */
async function retriedCalls(db: AppDb, integrationId: string) {
  const rows = await db.auditLog.findMany({ where: { integrationId, action: "store.calls" } });
  let total = 0;
  const statuses = new Map<string, number>();
  for (const row of rows) {
    const detail = (typeof row.detail === "string" ? JSON.parse(row.detail) : row.detail) as {
      operations: Record<string, { retried: number; statuses: Record<string, number> }>;
    };
    for (const op of Object.values(detail.operations ?? {})) {
      total += op.retried;
      for (const [status, n] of Object.entries(op.statuses))
        statuses.set(status, (statuses.get(status) ?? 0) + n);
    }
  }
  return { total, statuses: [...statuses].map(([k, n]) => `${k}: ${n}`).join(", ") };
}

describe("Shopify faults (worker process, 3 s request timeout)", () => {
  let h: Awaited<ReturnType<typeof shopifyStore>>;
  let worker: ChaosProcess;
  beforeAll(async () => {
    h = await shopifyStore("sqlite", { customers: 800, orders: 6_000, products: 60 }, 17);
    worker = workerProcess("faults-shopify-worker", h.env()).start();
  });
  afterAll(async () => {
    await worker?.stop();
    await h?.close();
  });

  it("absorbs 5xx bursts, hung requests, THROTTLED, 429 and truncated bulk files: exact counts", async () => {
    const emu = h.emu.url;
    await post(`${emu}/_emulator/faults/http-5xx`, { shop: SHOP, count: 3, status: 503 });
    await post(`${emu}/_emulator/faults/hang`, { shop: SHOP, count: 1 });
    await post(`${emu}/_emulator/faults/http-429`, { shop: SHOP, count: 2, retryAfterS: 1 });
    await post(`${emu}/_emulator/faults/throttle`, { shop: SHOP, currentlyAvailable: 0 });
    await post(`${emu}/_emulator/faults/bulk-download`, { afterBytes: 40_000, mode: "end", count: 1 });
    await post(`${emu}/_emulator/faults/bulk-download`, { afterBytes: 25_000, mode: "drop", count: 1 });
    did(
      "injected: 3 × 503, 1 request that never answers, 2 × 429 (Retry-After 1 s), an empty cost bucket (THROTTLED), " +
        "a bulk file that ends cleanly after 40 kB, then (replacing it) one whose connection drops after 25 kB",
    );
    const run = await syncToEnd(h.db, h.t.url, h.integrationId, "full");
    expect(run.status).toBe("succeeded");
    checked(
      `full sync ${run.status}: ${run.contactsSynced} customers, ${run.ordersSynced} orders, ${run.productsSynced} products`,
    );
    const retried = await retriedCalls(h.db, h.integrationId);
    expect(retried.total).toBeGreaterThanOrEqual(5);
    checked(
      `the audit trail shows ${retried.total} retried store calls (${retried.statuses}): the faults were hit`,
    );
    await expectShopExact(h);
    expect((await h.db.integration.findUniqueOrThrow({ where: { id: h.integrationId } })).status).toBe(
      "connected",
    );
  });

  it("a token revoked mid-sync → needs_attention with what to do; reinstalled → the next sync completes exactly", async () => {
    await h.db.order.deleteMany({ where: { integrationId: h.integrationId } });
    await enqueue(h.db, h.t.url, {
      integrationId: h.integrationId,
      kind: "full",
      triggeredBy: "merchant:chaos",
    });
    const run = await waitFor("the full sync to be reading", async () => {
      const r = await latestRun(h.db, h.integrationId);
      return r && r.status === "running" && r.contactsSynced > 0 ? r : null;
    });
    await post(`${h.emu.url}/_emulator/tokens/revoke`, { shop: SHOP });
    did(
      `revoked every token of ${SHOP} while run ${run.id} was reading (${run.contactsSynced} customers committed)`,
    );
    const [failed] = (await waitForIdle(h.db, h.integrationId)).slice(-1);
    const integration = await h.db.integration.findUniqueOrThrow({ where: { id: h.integrationId } });
    expect(failed.status).toMatch(/partial|failed/);
    expect(integration.status).toBe("needs_attention");
    expect(integration.statusReason).toMatch(/refused Commerce Sync's access/);
    expect(integration.statusReason).toMatch(/Open the app again from the Shopify admin/);
    checked(`run ${failed.status}; integration needs_attention: "${integration.statusReason}"`);

    await h.installByAuthorizationCode();
    did("the merchant reinstalled the app (authorization-code grant: a new offline token is stored)");
    const next = await syncToEnd(h.db, h.t.url, h.integrationId, "incremental");
    expect(next.status).toBe("succeeded");
    const after = await h.db.integration.findUniqueOrThrow({ where: { id: h.integrationId } });
    expect(after.status).toBe("connected");
    checked(
      `the next (incremental) sync ${next.status} from the failed run's cursors; integration ${after.status}`,
    );
    await expectShopExact(h);
  });

  it("protected customer data not approved → a clear needs_attention reason, not empty contacts", async () => {
    await post(`${h.emu.url}/_emulator/app`, { protectedCustomerDataApproved: false });
    await h.db.contactSource.deleteMany({ where: { integrationId: h.integrationId } });
    await h.db.order.deleteMany({ where: { integrationId: h.integrationId } });
    await h.db.contact.deleteMany({});
    did(
      "switched the app to 'protected customer data not approved' and emptied the synced customers and orders",
    );
    const run = await syncToEnd(h.db, h.t.url, h.integrationId, "full");
    const integration = await h.db.integration.findUniqueOrThrow({ where: { id: h.integrationId } });
    expect(run.status).toBe("partial");
    expect(integration.status).toBe("needs_attention");
    expect(integration.statusReason).toMatch(
      /has not approved Commerce Sync to read protected customer data/,
    );
    expect(run.productsSynced).toBe(60);
    const nameless = await h.db.contact.count({ where: { email: null } });
    expect(nameless).toBe(0);
    checked(
      `run ${run.status}, ${run.productsSynced} products synced, 0 contacts without email stored; reason: "${integration.statusReason}"`,
    );

    await post(`${h.emu.url}/_emulator/app`, { protectedCustomerDataApproved: true });
    const next = await syncToEnd(h.db, h.t.url, h.integrationId, "full");
    expect(next.status).toBe("succeeded");
    checked(`approved → the next full sync ${next.status}`);
    await expectShopExact(h);
  });
});

describe("WooCommerce faults (worker process, 3 s request timeout)", () => {
  let s: WooSetup;
  let worker: ChaosProcess;
  beforeAll(async () => {
    s = await wooStore("sqlite", { customers: 400, orders: 1_200, products: 80 });
    worker = workerProcess("faults-woo-worker", s.env()).start();
  });
  afterAll(async () => {
    await worker?.stop();
    await s?.close();
  });

  it("absorbs 5xx bursts, 429 and a request that never answers: exact counts", async () => {
    const faults = `${s.woo.url}/_emulator/faults`;
    // One burst per list (the client gives one request 5 attempts; a store failing 6 times in a row is an outage).
    await post(faults, { type: "error", status: 500, count: 2, pathPrefix: "/wp-json/wc/v3/customers" });
    await post(faults, {
      type: "error",
      status: 503,
      count: 2,
      retryAfterSeconds: 1,
      pathPrefix: "/wp-json/wc/v3/orders",
    });
    await post(faults, {
      type: "error",
      status: 429,
      count: 2,
      retryAfterSeconds: 1,
      pathPrefix: "/wp-json/wc/v3/products",
    });
    await post(faults, { type: "timeout", count: 1, pathPrefix: "/wp-json/wc/v3/orders" });
    did(
      "injected: 2 × 500 (WordPress critical error) on customers, 2 × 503 and 1 page that never answers on orders, " +
        "2 × 429 (Retry-After 1 s) on products",
    );
    const run = await syncToEnd(s.db, s.t.url, s.integrationId, "full");
    expect(run.status, `${run.errorMessage} ${JSON.stringify(run.errors)}`).toBe("succeeded");
    const retried = await retriedCalls(s.db, s.integrationId);
    expect(retried.total).toBeGreaterThanOrEqual(7);
    checked(
      `full sync ${run.status}; ${retried.total} retried store calls in the audit trail (${retried.statuses})`,
    );
    await expectWooExact(s);
  });

  it("keys deleted mid-sync → needs_attention with what to do; new keys → the next sync completes exactly", async () => {
    await s.db.order.deleteMany({ where: { integrationId: s.integrationId } });
    await post(`${s.woo.url}/_emulator/latency`, { latency_ms: 80 });
    await post(`${s.woo.url}/_emulator/faults`, { type: "slow", delayMs: 150, count: 40 });
    await enqueue(s.db, s.t.url, {
      integrationId: s.integrationId,
      kind: "full",
      triggeredBy: "merchant:chaos",
    });
    const run = await waitFor("the full sync to be reading", async () => {
      const r = await latestRun(s.db, s.integrationId);
      return r && r.status === "running" && r.contactsSynced > 0 ? r : null;
    });
    for (const key of s.woo.store.keys.keys()) await post(`${s.woo.url}/_emulator/keys/${key}`, {}, "DELETE");
    did(`deleted the store's REST keys while run ${run.id} was reading`);
    const [failed] = (await waitForIdle(s.db, s.integrationId)).slice(-1);
    const integration = await s.db.integration.findUniqueOrThrow({ where: { id: s.integrationId } });
    expect(failed.status).toMatch(/partial|failed/);
    expect(integration.status).toBe("needs_attention");
    checked(`run ${failed.status}; integration needs_attention: "${integration.statusReason}"`);
    expect(integration.statusReason).toMatch(/key/i);

    const key = s.woo.createKey("read");
    await s.db.integration.update({
      where: { id: s.integrationId },
      data: {
        credentials: sealCredentials(keyringFrom(TEST_ENV.ENCRYPTION_KEY), s.integrationId, {
          consumerKey: key.consumer_key,
          consumerSecret: key.consumer_secret,
        }),
      },
    });
    const due = await s.db.job.updateMany({
      where: { status: "queued", kind: "sync.full" },
      data: { runAt: new Date() },
    });
    did(
      `the owner connected new keys; the failed sync's queued retry (${due.count}) came due (moved from minutes to now)`,
    );
    const next = (await waitForIdle(s.db, s.integrationId)).at(-1)!;
    expect(next.status).toBe("succeeded");
    checked(`the retried full sync ${next.status}`);
    await expectWooExact(s);
  });
});
