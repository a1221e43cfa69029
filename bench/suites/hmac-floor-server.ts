/**
 * The floor of `webhook_ingest`: a bare Node HTTP server that reads the raw body, checks Shopify's HMAC
 * (base64 HMAC-SHA256 with the app secret, constant-time compare) and answers 200 — or 401. Nothing stored.
 *
 *   tsx bench/suites/hmac-floor-server.ts <port> <secret>
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";

const [port, secret] = process.argv.slice(2);
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const expected = createHmac("sha256", secret).update(Buffer.concat(chunks)).digest();
    const given = Buffer.from(String(req.headers["x-shopify-hmac-sha256"] ?? ""), "base64");
    const ok = given.length === expected.length && timingSafeEqual(given, expected);
    res.writeHead(ok ? 200 : 401);
    res.end();
  });
});
server.listen(Number(port), "127.0.0.1", () =>
  console.log(`HMAC floor listening on http://127.0.0.1:${port}`),
);
process.once("SIGTERM", () => server.close(() => process.exit(0)));
