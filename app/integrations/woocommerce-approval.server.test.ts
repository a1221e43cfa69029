import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../../emulators/woocommerce/server";
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from "../../tests/setup/db";
import { keyringFrom } from "../crypto/encryption.server";
import { openCredentials } from "../crypto/integration-secrets.server";
import { ConnectLimitedError } from "../lib/connect-limits.server";
import type { WooCommercePlatform } from "../platforms/woocommerce/index.server";
import { storeSource, testPlatform } from "../platforms/woocommerce/testing/harness";
import type { WooCredentials } from "../platforms/woocommerce/types";
import { runSync } from "../sync/engine.server";
import type { AppDb } from "../sync/platform";
import { getIntegration } from "./integrations-view.server";
import { answerWooWebhook } from "./testing/woo-intake";
import {
  approvalCallbackRefused,
  finishKeyApproval,
  receiveApprovedKeys,
  startKeyApproval,
  type ApprovalDeps,
} from "./woocommerce-approval.server";

const keyring = keyringFrom(randomBytes(32).toString("base64"));

/** The app's callback endpoint as the store sees it: POST /wc-auth/callback/<attempt> → receiveApprovedKeys. */
async function callbackServer(deps: () => ApprovalDeps) {
  const answers: number[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if ((req.url ?? "").startsWith("/api/webhooks/woocommerce")) {
        // The webhook address: the store's creation pings are recorded (the store reaches the app).
        answerWooWebhook({ db: deps().db, keyring }, req, Buffer.concat(chunks), res);
        return;
      }
      const attemptId = decodeURIComponent((req.url ?? "").replace(/^\/wc-auth\/callback\//, ""));
      receiveApprovedKeys(deps(), attemptId, Buffer.concat(chunks).toString("utf8")).then((answer) => {
        answers.push(answer.status);
        res.writeHead(answer.status, { "Content-Type": "text/plain" });
        res.end(answer.message);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    answers,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("approvalCallbackRefused", () => {
  it("names an http app address, which WooCommerce refuses as the approval's callback", () => {
    expect(approvalCallbackRefused("http://127.0.0.1:3000")).toBe("http://127.0.0.1:3000");
    expect(approvalCallbackRefused("https://sync.example.com")).toBeNull();
    expect(approvalCallbackRefused("HTTPS://sync.example.com")).toBeNull();
  });
});

describe.each(DATABASE_KINDS)("WooCommerce key approval on %s", (kind) => {
  let t: TestDatabase;
  let woo: WooEmulator;
  let app: Awaited<ReturnType<typeof callbackServer>>;
  let platform: WooCommercePlatform;
  let deps: ApprovalDeps;
  const queued: string[] = [];

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    woo = await startWooEmulator({
      counts: { customers: 2, orders: 2, products: 1 },
      autoDeliver: false,
      wcAuthMode: "approve",
      allowHttpAuthCallback: true,
    });
    app = await callbackServer(() => deps);
    platform = testPlatform({ appUrl: app.url });
    deps = {
      db: t.db as unknown as AppDb,
      keyring,
      connector: platform.connector,
      enqueueSync: async (id) => {
        queued.push(id);
      },
    };
  });
  afterAll(async () => {
    platform?.close();
    await app?.close();
    await woo?.close();
    await t?.cleanup();
  });

  /** The owner's trip through the store: authorize → (store POSTs the key) → redirect back. */
  async function approveInStore(authorizeUrl: string) {
    const response = await fetch(authorizeUrl, { redirect: "manual" });
    expect(response.status).toBe(302);
    return new URL(response.headers.get("location")!);
  }

  it("connects through the store's approval and lands back with a connected store", async () => {
    const started = await startKeyApproval(deps, { storeUrl: woo.url });
    if (!started.success) throw new Error(started.error.message);
    const authorize = new URL(started.authorizeUrl);
    expect(authorize.pathname).toBe("/wc-auth/v1/authorize");
    expect(authorize.searchParams.get("scope")).toBe("read_write");
    expect(authorize.searchParams.get("user_id")).toBe(started.attemptId);
    expect(authorize.searchParams.get("callback_url")).toBe(
      `${app.url}/wc-auth/callback/${started.attemptId}`,
    );

    const back = await approveInStore(started.authorizeUrl);
    expect(`${back.origin}${back.pathname}`).toBe(`${app.url}/woocommerce/connect/return`);
    expect(back.searchParams.get("success")).toBe("1");
    expect(app.answers).toEqual([200]);
    const pending = await t.db.wooConnectAttempt.findUniqueOrThrow({ where: { id: started.attemptId } });
    expect(pending.status).toBe("keys_received");
    expect(pending.credentials).toMatch(/^enc:v1:/);

    const finished = await finishKeyApproval(deps, {
      attemptId: back.searchParams.get("attempt")!,
      browserNonce: started.browserNonce,
      approved: back.searchParams.get("success") === "1",
      actor: "woo-owner",
    });
    expect(finished).toMatchObject({
      success: true,
      created: true,
      returnTo: "standalone",
      store: { url: woo.url },
    });
    const done = await t.db.wooConnectAttempt.findUniqueOrThrow({ where: { id: started.attemptId } });
    expect(done).toMatchObject({ status: "completed", credentials: null });
    expect(queued).toHaveLength(1);

    // The same return again (reload, replay): refused.
    const again = await finishKeyApproval(deps, {
      attemptId: started.attemptId,
      browserNonce: started.browserNonce,
      approved: true,
      actor: "woo-owner",
    });
    expect(again).toMatchObject({ success: false, error: { code: "approval_used" } });
  });

  it("a store whose key was revoked and whose owner approves a new one shows connected before the next sync", async () => {
    const db = t.db as unknown as AppDb;
    const row = await t.db.integration.findFirstOrThrow({ where: { storeKey: woo.url } });
    const credentials = openCredentials(keyring, row.id, row.credentials!) as WooCredentials;
    const keys = (await (await fetch(`${woo.url}/_emulator/keys`)).json()) as Array<{ key_id: number }>;
    for (const k of keys) await fetch(`${woo.url}/_emulator/keys/${k.key_id}`, { method: "DELETE" });
    const failed = await runSync(db, {
      integrationId: row.id,
      kind: "incremental",
      source: await storeSource(platform, db, row, credentials),
    });
    expect(failed.status).toBe("failed");
    expect((await getIntegration(db, row.organizationId, row.id)).status).toBe("needs_attention");

    const started = await startKeyApproval(deps, { storeUrl: woo.url, organizationId: row.organizationId });
    if (!started.success) throw new Error(started.error.message);
    const back = await approveInStore(started.authorizeUrl);
    const finished = await finishKeyApproval(deps, {
      attemptId: back.searchParams.get("attempt")!,
      browserNonce: started.browserNonce,
      approved: true,
      actor: "woo-owner",
    });
    expect(finished).toMatchObject({ success: true, created: false, integrationId: row.id });
    const shown = await getIntegration(db, row.organizationId, row.id);
    expect([shown.status, shown.statusReason]).toEqual(["connected", null]);
  });

  it("an approved key the store refuses is not called a copy mistake (nobody copied it)", async () => {
    const started = await startKeyApproval(deps, { storeUrl: woo.url });
    if (!started.success) throw new Error(started.error.message);
    const back = await approveInStore(started.authorizeUrl);
    // Revoked in WooCommerce → Settings → Advanced → REST API before the owner came back.
    const keys = (await (await fetch(`${woo.url}/_emulator/keys`)).json()) as Array<{ key_id: number }>;
    for (const k of keys) await fetch(`${woo.url}/_emulator/keys/${k.key_id}`, { method: "DELETE" });
    const finished = await finishKeyApproval(deps, {
      attemptId: back.searchParams.get("attempt")!,
      browserNonce: started.browserNonce,
      approved: true,
      actor: "woo-owner",
    });
    expect(finished).toMatchObject({
      success: false,
      error: {
        code: "woocommerce_auth",
        message: expect.stringMatching(
          /^The store refused Commerce Sync's API key \(401\)\..*revoked or deleted/,
        ),
      },
    });
    expect(finished.success ? "" : finished.error.message).not.toMatch(/copied/);
  });

  it("refuses a second key for the same attempt, an unknown attempt and an expired one", async () => {
    const started = await startKeyApproval(deps, { storeUrl: woo.url });
    if (!started.success) throw new Error(started.error.message);
    await approveInStore(started.authorizeUrl);
    const body = JSON.stringify({
      key_id: 1,
      user_id: started.attemptId,
      consumer_key: `ck_${"a".repeat(40)}`,
      consumer_secret: `cs_${"b".repeat(40)}`,
      key_permissions: "read_write",
    });
    expect(await receiveApprovedKeys(deps, started.attemptId, body)).toMatchObject({ status: 409 });
    expect(await receiveApprovedKeys(deps, "no-such-attempt", body)).toMatchObject({ status: 404 });

    const later = await startKeyApproval(
      { ...deps, now: () => new Date(Date.now() - 31 * 60_000) },
      { storeUrl: woo.url },
    );
    if (!later.success) throw new Error(later.error.message);
    const expired = JSON.stringify({ ...JSON.parse(body), user_id: later.attemptId });
    expect(await receiveApprovedKeys(deps, later.attemptId, expired)).toMatchObject({ status: 410 });
  });

  it("refuses a callback whose user_id is not the attempt's, and a malformed key", async () => {
    const started = await startKeyApproval(deps, { storeUrl: woo.url });
    if (!started.success) throw new Error(started.error.message);
    const wrongUser = JSON.stringify({
      user_id: "someone",
      consumer_key: `ck_${"a".repeat(40)}`,
      consumer_secret: `cs_${"b".repeat(40)}`,
    });
    expect(await receiveApprovedKeys(deps, started.attemptId, wrongUser)).toMatchObject({ status: 400 });
    const noKey = JSON.stringify({ user_id: started.attemptId, consumer_key: "", consumer_secret: "" });
    expect(await receiveApprovedKeys(deps, started.attemptId, noKey)).toMatchObject({ status: 400 });
    expect(await receiveApprovedKeys(deps, started.attemptId, "not json")).toMatchObject({ status: 400 });
  });

  it("only the browser that started the approval can finish it", async () => {
    const started = await startKeyApproval(deps, { storeUrl: woo.url });
    if (!started.success) throw new Error(started.error.message);
    await approveInStore(started.authorizeUrl);
    for (const browserNonce of [null, "a-different-browser"]) {
      const result = await finishKeyApproval(deps, {
        attemptId: started.attemptId,
        browserNonce,
        approved: true,
        actor: "woo-owner",
      });
      expect(result).toMatchObject({ success: false, error: { code: "approval_other_browser" } });
    }
    const attempt = await t.db.wooConnectAttempt.findUniqueOrThrow({ where: { id: started.attemptId } });
    expect(attempt.status).toBe("keys_received");
  });

  it("says so when the owner denied the request in WordPress", async () => {
    const started = await startKeyApproval(deps, { storeUrl: woo.url });
    if (!started.success) throw new Error(started.error.message);
    await fetch(`${woo.url}/_emulator/wc-auth`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"mode":"deny"}',
    });
    const back = await approveInStore(started.authorizeUrl);
    expect(back.searchParams.get("success")).toBe("0");
    const result = await finishKeyApproval(deps, {
      attemptId: started.attemptId,
      browserNonce: started.browserNonce,
      approved: false,
      actor: "woo-owner",
    });
    expect(result).toMatchObject({
      success: false,
      error: { code: "approval_denied", message: expect.stringMatching(/denied/) },
    });
    await fetch(`${woo.url}/_emulator/wc-auth`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"mode":"approve"}',
    });
  });

  it("starts no approval over the connect limit: no attempt recorded, the store not asked", async () => {
    let asked = 0;
    const beforeStoreRequest = async () => {
      asked++;
      throw new ConnectLimitedError("organization", 61_000);
    };
    const malformed = await startKeyApproval(deps, { storeUrl: "not a url", beforeStoreRequest });
    expect(malformed).toMatchObject({ success: false, error: { field: "storeUrl" } });
    expect(asked).toBe(0);

    const attempts = await t.db.wooConnectAttempt.count();
    const storeRequests = woo.context.load.snapshot().requests;
    const limited = await startKeyApproval(deps, { storeUrl: woo.url, beforeStoreRequest });
    expect(limited).toEqual({
      success: false,
      error: {
        code: "rate_limited",
        message: "Too many connection attempts for this Commerce Sync account. Try again in 2 minutes.",
      },
      retryAfterSeconds: 61,
    });
    expect(asked).toBe(1);
    expect(await t.db.wooConnectAttempt.count()).toBe(attempts);
    expect(woo.context.load.snapshot().requests).toBe(storeRequests);
  });

  it("cannot start an approval for an address that is not a WooCommerce store", async () => {
    const result = await startKeyApproval(deps, { storeUrl: "file:///etc/passwd" });
    expect(result).toMatchObject({ success: false, error: { code: "store_url_invalid", field: "storeUrl" } });
    expect(await t.db.wooConnectAttempt.count({ where: { storeUrl: { startsWith: "file:" } } })).toBe(0);
  });
});
