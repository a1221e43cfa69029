import { describe, expect, it } from "vitest";
import { TokenStore } from "./token-store";

function clock() {
  let nowMs = Date.parse("2026-11-24T00:00:00Z");
  return { now: () => new Date(nowMs), advance: (ms: number) => (nowMs += ms) };
}

describe("TokenStore", () => {
  it("issues offline tokens that never expire and online tokens that expire after 24 h", () => {
    const c = clock();
    const store = new TokenStore({ now: c.now });
    const offline = store.issue({ shop: "a.myshopify.com", scopes: ["read_orders"] });
    const online = store.issue({ shop: "a.myshopify.com", scopes: ["read_orders"], kind: "online" });
    expect(offline.accessToken).toMatch(/^shpat_[0-9a-f]{32}$/);
    expect(online.accessToken).toMatch(/^shpua_[0-9a-f]{32}$/);
    c.advance(86_400_000 - 1);
    expect(store.verify(online.accessToken)?.kind).toBe("online");
    c.advance(1);
    expect(store.verify(online.accessToken)).toBeNull();
    expect(store.verify(offline.accessToken)).toEqual({
      shop: "a.myshopify.com",
      scopes: ["read_orders"],
      kind: "offline",
      expiresAt: null,
    });
    expect(store.verify("shpat_unknown")).toBeNull();
  });

  it("honours expiresInS (POST /_emulator/tokens with a lifetime)", () => {
    const c = clock();
    const store = new TokenStore({ now: c.now });
    const { accessToken, info } = store.issue({ shop: "a.myshopify.com", scopes: [], expiresInS: 10 });
    expect(info.expiresAt?.toISOString()).toBe("2026-11-24T00:00:10.000Z");
    c.advance(10_000);
    expect(store.verify(accessToken)).toBeNull();
  });

  it("revokes a shop's access tokens, refresh tokens and codes, and only that shop's", () => {
    const store = new TokenStore();
    const a = store.issueExpiringOffline({ shop: "a.myshopify.com", scopes: ["read_orders"] });
    const b = store.issue({ shop: "b.myshopify.com", scopes: ["read_orders"] });
    const code = store.createCode({
      shop: "a.myshopify.com",
      clientId: "k",
      scopes: [],
      kind: "offline",
      associatedUser: null,
    });
    store.revokeShop("a.myshopify.com");
    expect(store.verify(a.accessToken)).toBeNull();
    expect(store.refresh(a.refreshToken, "a.myshopify.com")).toBeNull();
    expect(store.consumeCode(code.code)).toEqual({
      ok: false,
      reason: "authorization code was already used",
    });
    expect(store.verify(b.accessToken)).not.toBeNull();
  });

  it("refuses refresh tokens of another shop and expired ones", () => {
    const c = clock();
    const store = new TokenStore({ now: c.now, refreshTokenTtlS: 100 });
    const issued = store.issueExpiringOffline({ shop: "a.myshopify.com", scopes: [] });
    expect(store.refresh(issued.refreshToken, "b.myshopify.com")).toBeNull();
    c.advance(100_000);
    expect(store.refresh(issued.refreshToken, "a.myshopify.com")).toBeNull();
  });

  it("expires codes after codeTtlS and reports unknown codes", () => {
    const c = clock();
    const store = new TokenStore({ now: c.now, codeTtlS: 60 });
    const fresh = store.createCode({
      shop: "a.myshopify.com",
      clientId: "k",
      scopes: ["x"],
      kind: "offline",
      associatedUser: null,
    });
    const stale = store.createCode({
      shop: "a.myshopify.com",
      clientId: "k",
      scopes: ["x"],
      kind: "offline",
      associatedUser: null,
    });
    c.advance(59_999);
    expect(store.consumeCode(fresh.code)).toMatchObject({ ok: true, record: { scopes: ["x"] } });
    c.advance(1);
    expect(store.consumeCode(stale.code)).toEqual({ ok: false, reason: "authorization code expired" });
    expect(store.consumeCode("nope")).toEqual({ ok: false, reason: "unknown authorization code" });
  });
});
