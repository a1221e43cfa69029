import http from "node:http";
import { BoundedLog } from "./bounded-log";
import { describe, expect, it } from "vitest";
import { closeWithSockets, escapeHtml, listen, logAnswer, readBody, sendJson } from "./http";
import { stringifyJson } from "./json";
import { CITIES, FIRST_NAMES, LAST_NAMES, slugify } from "./names";
import { createPrng, hashSeed } from "./prng";

describe("emulators/shared", () => {
  it("gives the same sequence for the same seed and a different one for another seed", () => {
    const draw = (seed: number) => {
      const prng = createPrng(seed);
      return Array.from({ length: 5 }, () => prng.next());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(hashSeed("shop-b.myshopify.com", 1)).toBe(hashSeed("shop-b.myshopify.com", 1));
    expect(hashSeed("a", 1)).not.toBe(hashSeed("a", 2));
  });

  it("keeps int() inside its inclusive bounds and weighted() to the given keys", () => {
    const prng = createPrng(7);
    const ints = new Set(Array.from({ length: 500 }, () => prng.int(3, 5)));
    expect([...ints].sort()).toEqual([3, 4, 5]);
    const picks = new Set(Array.from({ length: 200 }, () => prng.weighted({ a: 1, b: 3 })));
    expect([...picks].sort()).toEqual(["a", "b"]);
  });

  it("has name and city lists with the awkward characters real stores contain", () => {
    expect(FIRST_NAMES.some((n) => n !== n.normalize("NFD"))).toBe(true);
    expect(LAST_NAMES).toContain("O'Brien");
    expect(new Set(FIRST_NAMES).size).toBe(FIRST_NAMES.length);
    expect(new Set(LAST_NAMES).size).toBe(LAST_NAMES.length);
    expect(CITIES.every((c) => c.countryCode.length === 2 && c.postcode !== "")).toBe(true);
    expect(slugify("Zoë O'Brien & Co")).toBe("zoe-o-brien-co");
  });

  it("writes bigints as exact integer literals", () => {
    expect(stringifyJson({ id: 9_007_199_254_740_993n, name: "x", skip: undefined })).toBe(
      '{"id":9007199254740993,"name":"x"}',
    );
  });

  it("escapes HTML like WordPress", () => {
    expect(escapeHtml(`<a href="x">O'Brien & co</a>`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;O&#039;Brien &amp; co&lt;/a&gt;",
    );
  });

  it("serves bigint-safe JSON with a Content-Length and refuses bodies over the limit", async () => {
    const server = http.createServer((req, res) => {
      readBody(req, 10).then(
        (text) => sendJson(res, 200, { length: text.length, id: 9_007_199_254_740_993n }),
        (error: Error) => sendJson(res, 413, { error: error.message }),
      );
    });
    const port = await listen(server);
    const close = closeWithSockets(server);
    try {
      const ok = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: "short" });
      const text = await ok.text();
      expect(text).toBe('{"length":5,"id":9007199254740993}');
      expect(ok.headers.get("content-length")).toBe(String(text.length));
      const tooBig = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: "x".repeat(11) });
      expect(tooBig.status).toBe(413);
      expect(await tooBig.json()).toEqual({ error: "The request body exceeds 10 bytes." });
    } finally {
      await close();
    }
  });

  it("logs a 404 or a 5xx as one line without the query string, and stays quiet otherwise", () => {
    const lines: string[] = [];
    const req = { method: "GET", url: "/wp-json/nope?consumer_secret=cs_123" } as http.IncomingMessage;
    logAnswer((line) => lines.push(line), req, 404);
    logAnswer((line) => lines.push(line), req, 200);
    logAnswer((line) => lines.push(line), req, 401);
    logAnswer((line) => lines.push(line), req, 500, "boom");
    expect(lines).toEqual(["404 GET /wp-json/nope", "500 GET /wp-json/nope — boom"]);
  });

  it("keeps a request log's newest entries, in order, and filters and clears it", () => {
    const log = new BoundedLog<number>(3);
    for (let i = 1; i <= 5; i++) log.add(i);
    expect(log.list()).toEqual([3, 4, 5]);
    expect(log.list((n) => n % 2 === 1)).toEqual([3, 5]);
    log.list().push(99);
    expect(log.list()).toEqual([3, 4, 5]);
    log.clear();
    expect(log.list()).toEqual([]);
  });
});
