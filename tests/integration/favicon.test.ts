/**
 * Every browser asks for /favicon.ico, whatever the page links. It used to reach the Remix router and answer 404: a
 * fault-looking line in the request log and the browser console on every first visit. Over real HTTP, through the
 * production server module (tests/security/http-app.ts) serving public/ as the build serves build/client (Vite
 * copies public/ there): the icons answer 200 with their types, and the app's documents link them.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../setup/db";
import { startHttpApp, type HttpApp } from "../security/http-app";

describe("the app's icon over HTTP", () => {
  let t: TestDatabase;
  let app: HttpApp;

  beforeAll(async () => {
    t = await createTestDatabase("sqlite");
    app = await startHttpApp(t, {}, { clientDir: resolve("public") });
  });
  afterAll(async () => {
    await app?.close();
    await t?.cleanup();
  });

  it("answers /favicon.ico with the ICO file, and /favicon.svg with the SVG", async () => {
    const ico = await fetch(`${app.url}/favicon.ico`);
    console.log("LOG", app.lines.filter((l) => l.includes("/favicon.")).join(" || "));
    expect(ico.status).toBe(200);
    expect(ico.headers.get("content-type")).toBe("image/x-icon");
    const bytes = Buffer.from(await ico.arrayBuffer());
    expect(bytes.equals(readFileSync("public/favicon.ico"))).toBe(true);
    // An icon file: reserved 0, type 1 (icon), two images.
    expect([bytes.readUInt16LE(0), bytes.readUInt16LE(2), bytes.readUInt16LE(4)]).toEqual([0, 1, 2]);

    const svg = await fetch(`${app.url}/favicon.svg`);
    expect(svg.status).toBe(200);
    expect(svg.headers.get("content-type")).toBe("image/svg+xml");
    expect(await svg.text()).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);

    // HEAD (some browsers check first) and a revalidation.
    const head = await fetch(`${app.url}/favicon.ico`, { method: "HEAD" });
    expect(head.status).toBe(200);
    const again = await fetch(`${app.url}/favicon.ico`, {
      headers: { "If-None-Match": ico.headers.get("etag") ?? "" },
    });
    expect(again.status).toBe(304);

    const logged = app.lines.filter((l) => l.includes("/favicon."));
    expect(logged.length).toBeGreaterThanOrEqual(4);
    expect(
      logged.every((l) => /"status":(200|304)\b/.test(l)),
      logged.join("\n"),
    ).toBe(true);
  });

  it("links both icons from the standalone WooCommerce pages and from the error page", async () => {
    for (const path of ["/woocommerce/connect", "/no-such-page"]) {
      const res = await fetch(`${app.url}${path}`, { redirect: "manual" });
      expect([200, 404], path).toContain(res.status);
      const html = await res.text();
      expect(html, path).toContain('<link rel="icon" href="/favicon.ico" sizes="32x32"/>');
      expect(html, path).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml"/>');
    }
  });
});
