/**
 * The bad-input corpus (issue 12, item 3): hostile and broken requests sent over real HTTP to the app (the Remix
 * build behind the production server module, tests/security/http-app.ts) on a seeded SQLite and PostgreSQL database. Every case
 * asserts the status, the message the sender reads, and that the database is byte-for-byte what it was before
 * (every row of every table), unless the case names the one bookkeeping change it makes and why.
 * All log lines written meanwhile are scanned for the secrets used here (see the last test).
 *
 * Every case is its own client: the app trusts one proxy (TRUST_PROXY=1) and each request carries its own address in
 * X-Forwarded-For, so the connect limits (ADR 0057, default sizes) count each case on its own; the limit cases
 * (bad-input/cases-connect-limits.ts) first use up the attempts of an address of their own.
 *
 * The cases are in bad-input/cases-*.ts (in the order they run), the requests they build in bad-input/requests.ts,
 * the seeded merchant and its secrets in bad-input/world.ts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../setup/db";
import { HTTP_APP, startHttpApp, type HttpApp } from "./http-app";
import { findSecrets, snapshotDatabase } from "./db-snapshot";
import { API_CASES } from "./bad-input/cases-api";
import { CONNECT_FORM_CASES } from "./bad-input/cases-connect-form";
import { CONNECT_LIMIT_CASES } from "./bad-input/cases-connect-limits";
import { OAUTH_CASES } from "./bad-input/cases-oauth";
import { WEBHOOK_CASES } from "./bad-input/cases-webhooks";
import type { Case } from "./bad-input/requests";
import { ACCESS_TOKEN, REFRESH_TOKEN, seedWorld, WOO_KEY, WOO_SECRET, type Ctx } from "./bad-input/world";

const CASES: Case[] = [
  ...WEBHOOK_CASES,
  ...OAUTH_CASES,
  ...CONNECT_FORM_CASES,
  ...CONNECT_LIMIT_CASES,
  ...API_CASES,
];

// Both databases the app supports: what is refused and what stays unchanged must not depend on the driver.
describe.each(DATABASE_KINDS)("bad-input corpus over HTTP (%s)", (kind) => {
  let t: TestDatabase;
  let app: HttpApp;
  let c: Ctx;
  const responses: string[] = [];
  /** The signature, token and one-time values the corpus sent, so the log scan looks for the real ones. */
  const sent: Record<string, string> = {};
  function rememberSentSecrets(r: { path: string; headers?: Record<string, string> }) {
    const query = new URL(r.path, "http://x").searchParams;
    for (const name of ["hmac", "code", "state", "host", "id_token", "session"]) {
      const value = query.get(name);
      if (value) sent[`${name} query value #${Object.keys(sent).length}`] = value;
    }
    for (const [name, value] of Object.entries(r.headers ?? {})) {
      if (/authorization|hmac|signature|cookie/i.test(name))
        sent[`${name} header #${Object.keys(sent).length}`] = value
          .replace(/^Bearer\s+/i, "")
          .replace(/^[^=]+=/, "");
    }
  }

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    // One trusted proxy and the default connect limits (blank = not set): see the header comment.
    app = await startHttpApp(t, {
      TRUST_PROXY: "1",
      CONNECT_LIMIT_PER_IP: "",
      CONNECT_LIMIT_PER_IP_WINDOW_SECONDS: "",
      CONNECT_LIMIT_PER_ORGANIZATION: "",
      CONNECT_LIMIT_PER_ORGANIZATION_WINDOW_SECONDS: "",
    });
    c = await seedWorld(t, app);
  });
  afterAll(async () => {
    await app?.close();
    await t?.cleanup();
  });
  beforeEach(async () => {
    // A token used within the minute is not written again (api-tokens.server.ts): keep the snapshot still.
    await t.db.apiToken.updateMany({ data: { lastUsedAt: new Date() } });
  });

  it("has at least 40 cases", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES.map((k, i) => [k.name, k, i] as const))("%s", async (_name, k, index) => {
    const before = await snapshotDatabase(t.db);
    const r = await k.request(c);
    rememberSentSecrets(r);
    // Each case its own client (the trusted proxy's entry), unless the case names one.
    const client = `198.18.${Math.floor(index / 250)}.${(index % 250) + 1}`;
    const res = await fetch(`${app.url}${r.path}`, {
      method: r.method ?? "GET",
      headers: { "X-Forwarded-For": client, ...r.headers },
      body: typeof r.body === "string" || r.body === undefined ? r.body : new Uint8Array(r.body),
      redirect: "manual",
    });
    const text = await res.text();
    responses.push(text);
    expect({ status: res.status, text: text.slice(0, 300) }).toMatchObject({ status: k.status });
    if (k.message) expect(text).toMatch(k.message);
    // Let anything the request started (a queued job, a late write) land before comparing.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const after = await snapshotDatabase(t.db);
    // The counters hold no client address, only its keyed digest.
    expect(after.RateLimitCounter).not.toMatch(/"connect-ip:[^"]*\d+\.\d+\.\d+\.\d+/);
    for (const table of Object.keys(before)) {
      if (k.mayChange?.table === table) continue;
      expect(after[table], `table ${table} changed`).toEqual(before[table]);
    }
  });

  function allSecrets(): Record<string, string> {
    return {
      "Shopify access token": ACCESS_TOKEN,
      "Shopify refresh token": REFRESH_TOKEN,
      "WooCommerce consumer key": WOO_KEY,
      "WooCommerce consumer secret": WOO_SECRET,
      SHOPIFY_API_SECRET: HTTP_APP.apiSecret,
      ENCRYPTION_KEY: HTTP_APP.encryptionKey,
      "woo webhook secret": c.wooSecret,
      "API token": c.token,
      "revoked API token": c.revokedToken,
      "browser nonce": c.nonce,
      "wc-auth attempt id": c.attempts.pending,
      ...sent,
    };
  }

  it("keeps every credential unreadable in a raw dump of the database (file bytes and every row)", async () => {
    const { wooSecret, token } = c;
    // The stored credentials exist (else the check below proves nothing) …
    expect(await t.db.session.count()).toBeGreaterThan(0);
    expect((await t.db.integration.findUniqueOrThrow({ where: { id: c.m.wooId } })).credentials).toBeTruthy();
    // … and neither the SQLite file's bytes nor an SQL dump of every table holds one in the clear.
    const credentials = {
      "Shopify access token": ACCESS_TOKEN,
      "Shopify refresh token": REFRESH_TOKEN,
      "WooCommerce consumer key": WOO_KEY,
      "WooCommerce consumer secret": WOO_SECRET,
      "woo webhook secret": wooSecret,
      "API token": token,
      "revoked API token": c.revokedToken,
      ENCRYPTION_KEY: HTTP_APP.encryptionKey,
      "encryption key (hex)": Buffer.from(HTTP_APP.encryptionKey, "base64").toString("hex"),
    };
    const dump = Object.entries(await snapshotDatabase(t.db)).map(([table, rows]) => `${table}\n${rows}`);
    if (kind === "sqlite") {
      const fileBytes = readFileSync(t.url.replace(/^file:/, "")).toString("latin1");
      expect(findSecrets([fileBytes], credentials, { shapes: false })).toEqual([]);
    }
    expect(findSecrets(dump, credentials)).toEqual([]);
  });

  it("logged no secret while answering the corpus, and echoed none back", () => {
    const secrets = allSecrets();
    expect(Object.keys(sent).length).toBeGreaterThan(20);
    expect(app.lines.length).toBeGreaterThan(CASES.length);
    expect(findSecrets(app.lines, secrets)).toEqual([]);
    expect(findSecrets(responses, secrets)).toEqual([]);
  });
});
