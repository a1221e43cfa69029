/**
 * Organization isolation across every route (issue 12, item 4), over real HTTP (tests/security/http-app.ts) on a
 * seeded database, SQLite and PostgreSQL. Organization A (a Shopify shop and a WooCommerce store) holds every credential a caller can
 * hold: a Shopify session token of its shop (embedded pages, the customer block, the API), an API token, a
 * WooCommerce owner cookie, an approval cookie, its store's webhook secret. Organization B ("victim") has its own
 * stores, contacts, orders, token, owner session and a pending key approval. Each case is A's credential naming
 * something of B's: the status is the route's documented refusal (404 mostly), the body holds nothing of B's (its
 * organization id, store names, store keys, integration ids, customer emails, token name — except what the request
 * itself sent), and every row of every table is what it was, unless the case names the one change it makes.
 * The world (both organizations and A's credentials) is seeded by isolation/world.ts; the cases are in
 * isolation/cases-*.ts, the positive controls in isolation/controls.ts, the route list in isolation/routes.ts.
 *
 * The route list is read from app/routes: a route that is neither exercised here nor listed with the reason it takes
 * no id of another organization fails the first test, so a new route is considered before it ships.
 * Positive controls: the same credentials asking for A's own resources get 200 and A's data (else a broken
 * credential in the harness would pass every refusal).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../setup/db";
import { findSecrets, snapshotDatabase } from "./db-snapshot";
import { HTTP_APP, startHttpApp, type HttpApp } from "./http-app";
import { API_CASES } from "./isolation/cases-api";
import { PAGE_CASES } from "./isolation/cases-pages";
import { WOOCOMMERCE_CASES } from "./isolation/cases-woocommerce";
import { CONTROLS } from "./isolation/controls";
import { NO_FOREIGN_ID, routeIds, TOKEN_IS_CREDENTIAL } from "./isolation/routes";
import { owner, seedWorld, send, type Case, type World } from "./isolation/world";

const CASES: Case[] = [...PAGE_CASES, ...API_CASES, ...WOOCOMMERCE_CASES];

describe.each(DATABASE_KINDS)("organization isolation over HTTP (%s)", (kind) => {
  let t: TestDatabase;
  let app: HttpApp;
  let w: World;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    app = await startHttpApp(t);
    w = await seedWorld(t, app);
  });
  afterAll(async () => {
    await app?.close();
    await t?.cleanup();
  });
  beforeEach(async () => {
    // A token used within the minute is not written again (api-tokens.server.ts): keep the snapshot still.
    await t.db.apiToken.updateMany({ data: { lastUsedAt: new Date() } });
  });

  it("considers every route: each one is exercised below or listed with why it takes no foreign id", () => {
    const exercised = new Set(CASES.map((c) => c.route));
    const ids = routeIds();
    expect(ids.length).toBeGreaterThan(30);
    const unconsidered = ids.filter((id) => !exercised.has(id) && !(id in NO_FOREIGN_ID));
    expect(unconsidered, "routes neither exercised nor listed in NO_FOREIGN_ID").toEqual([]);
    // A route with a parameter (other than a splat) names something: it must be exercised, not excused.
    const paramsNotExercised = ids.filter((id) => /\$[A-Za-z]/.test(id) && !exercised.has(id));
    expect(paramsNotExercised.filter((id) => !TOKEN_IS_CREDENTIAL.includes(id))).toEqual([]);
    // No stale entries.
    expect(Object.keys(NO_FOREIGN_ID).filter((id) => !ids.includes(id))).toEqual([]);
  });

  it.each(CONTROLS.map((k) => [k.name, k] as const))("control: %s", async (_name, k) => {
    const r = await send(app, await k.request(w));
    expect({ status: r.status, text: r.text.slice(0, 300) }).toMatchObject({ status: k.status });
    if (k.body) expect(r.text).toMatch(k.body);
  });

  it.each(CASES.map((k) => [k.name, k] as const))("%s", async (_name, k) => {
    const before = await snapshotDatabase(t.db);
    const req = await k.request(w);
    const r = await send(app, req);
    expect({ status: r.status, text: r.text.slice(0, 300) }).toMatchObject({ status: k.status });
    if (k.body) expect(r.text).toMatch(k.body);
    const sent = `${req.path} ${JSON.stringify(req.headers ?? {})} ${req.body ?? ""}`;
    const leaked = w.b.markers.filter((marker) => !sent.includes(marker) && r.text.includes(marker));
    expect(leaked, "organization B's data in the body").toEqual([]);
    await new Promise((done) => setTimeout(done, 50));
    const after = await snapshotDatabase(t.db);
    for (const table of Object.keys(before)) {
      if (k.mayChange?.tables.includes(table)) continue;
      expect(after[table], `table ${table} changed`).toEqual(before[table]);
    }
    await k.verify?.(w, t);
  });

  it("leaves B's owner session alive when A signs out", async () => {
    const r = await send(app, { ...owner(w, "/woocommerce/sign-out", {}) });
    expect(r.status).toBe(302);
    const sessions = await t.db.wooOwnerSession.findMany({ select: { organizationId: true } });
    expect(sessions.map((s) => s.organizationId)).toEqual([w.b.organizationId]);
  });

  it("logged no credential of either organization", () => {
    expect(app.lines.length).toBeGreaterThan(CASES.length);
    expect(
      findSecrets(app.lines, {
        "A API token": w.a.apiToken,
        "A owner cookie": w.a.ownerCookie.split("=")[1],
        "B owner session": w.b.ownerSessionToken,
        "A woo webhook secret": w.a.wooSecret,
        SHOPIFY_API_SECRET: HTTP_APP.apiSecret,
        ENCRYPTION_KEY: HTTP_APP.encryptionKey,
      }),
    ).toEqual([]);
  });
});
