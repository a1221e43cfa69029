import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { scanCapturedLogs } from "../../tests/setup/log-capture";
import { scanText } from "./secret-scan";

const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJkZXN0IjoiaHR0cHM6Ly9hIn0.c2lnbmF0dXJlc2lnbmF0dXJl";

describe("log secret scan", () => {
  it.each([
    ["a session token", `{"message":"auth","token":"${jwt}"}`],
    ["a Shopify access token", "token shpat_0123456789abcdef0123"],
    ["a Shopify refresh token", "refresh shprt_0123456789abcdef0123"],
    ["a WooCommerce consumer secret", `cs_${"b".repeat(40)}`],
    ["an API token", `cst_${"A".repeat(43)}`],
    ["an unredacted hmac query value", '{"path":"/app?shop=a.myshopify.com&hmac=0a1b2c3d4e5f6a7b"}'],
    ["an unredacted id_token", '"path":"/app?id_token=abcdefgh12345678"'],
    ["a bearer header", "Authorization: Bearer abcdefghijklmnopqrstu"],
  ])("finds %s", (_name, line) => {
    expect(scanText("x.log", `clean line\n${line}\n`, {})).toMatchObject([{ file: "x.log", line: 2 }]);
  });

  it("finds a known value and masks it in the report", () => {
    const [finding] = scanText("x.log", "key is Zm9vYmFyYmF6cXV4MTIzNDU2 here", {
      ENCRYPTION_KEY: "Zm9vYmFyYmF6cXV4MTIzNDU2",
    });
    expect(finding).toMatchObject({ line: 1, what: "ENCRYPTION_KEY" });
    expect(finding.excerpt).not.toContain("Zm9vYmFyYmF6cXV4MTIzNDU2");
  });

  it("passes redacted request logs and prose", () => {
    const clean = [
      '{"message":"request","path":"/app?shop=a.myshopify.com&hmac=[redacted]&id_token=[redacted]","status":200}',
      "Missing or invalid X-Shopify-Hmac-Sha256: the body is not signed with this app's secret.",
      "consumer key must start with ck_ (got cs_)",
    ].join("\n");
    expect(scanText("x.log", clean, { secret: "not-in-these-lines" })).toEqual([]);
  });

  it("fails the run's scan naming the file and line, and keeps the logs", () => {
    const runId = `scan-selftest-${process.pid}`;
    const dir = resolve("tmp/test-logs", runId);
    mkdirSync(dir, { recursive: true });
    writeFileSync(resolve(dir, "a.test.ts.1.log"), "fine\nleaked Zm9vYmFyYmF6cXV4MTIzNDU2\n");
    writeFileSync(
      resolve(dir, "b.test.ts.2.secrets.json"),
      JSON.stringify({ ENCRYPTION_KEY: "Zm9vYmFyYmF6cXV4MTIzNDU2" }),
    );
    expect(() => scanCapturedLogs(runId)).toThrow(/a\.test\.ts\.1\.log:2: ENCRYPTION_KEY/);
    writeFileSync(resolve(dir, "a.test.ts.1.log"), "fine\n");
    expect(scanCapturedLogs(runId)).toEqual({ files: 1, lines: 1 });
  });
});
