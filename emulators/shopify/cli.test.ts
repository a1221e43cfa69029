import { execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { parse as parseToml } from "smol-toml";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningShopifyEmulator } from "./server";
import { startShopifyEmulator } from "./server";
import { gql, issueToken } from "./testing/client";

// The in-process equivalent of: npm run emulator -- shopify --port 4100 --customers 1000 --orders 2000 --products 100
let emu: RunningShopifyEmulator;
beforeAll(async () => {
  emu = await startShopifyEmulator({
    port: 0,
    customers: 1000,
    orders: 2000,
    products: 100,
    webhooks: { tomlPath: null },
  });
});
afterAll(async () => {
  await emu.close();
});

describe("CLI contract", () => {
  it("GIVEN the documented store size WHEN counting customers THEN 1000", async () => {
    const token = await issueToken(emu.url, ["read_customers"]);
    const res = await gql<{ customersCount: { count: number } }>(
      emu.url,
      token,
      "{ customersCount { count } }",
    );
    expect(res.body.data?.customersCount.count).toBe(1000);
  });

  it("GIVEN a bulk customers query WHEN it completes THEN the JSONL has 1000 lines", async () => {
    const token = await issueToken(emu.url, ["read_customers"]);
    const run = await gql<{ bulkOperationRunQuery: { bulkOperation: { id: string } } }>(
      emu.url,
      token,
      'mutation { bulkOperationRunQuery(query: "{ customers { edges { node { id defaultEmailAddress { emailAddress } } } } }") { bulkOperation { id } userErrors { message } } }',
    );
    const id = run.body.data!.bulkOperationRunQuery.bulkOperation.id;
    let op: { status: string; url: string | null } = { status: "CREATED", url: null };
    while (op.status !== "COMPLETED") {
      await new Promise((resolve) => setTimeout(resolve, 50));
      op = (
        await gql<{ node: typeof op }>(
          emu.url,
          token,
          `{ node(id: "${id}") { ... on BulkOperation { status url } } }`,
        )
      ).body.data!.node;
      expect(["CREATED", "RUNNING", "COMPLETED"]).toContain(op.status);
    }
    const lines = (await (await fetch(op.url!)).text()).trimEnd().split("\n");
    expect(lines).toHaveLength(1000);
  });
});

describe("a developer's first minutes", () => {
  it("GIVEN --help WHEN the command runs THEN it prints the options and exits 0", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "emulators/cli.ts", "shopify", "--help"],
      { timeout: 30_000 },
    );
    expect(stdout).toContain("Usage: npm run emulator -- shopify [options]");
    expect(stdout).toContain("--time-scale K");
  });

  it("GIVEN a request for an unknown path WHEN answered THEN 404 is one log line, without query or stack", async () => {
    const lines: string[] = [];
    const logged = await startShopifyEmulator({
      customers: 1,
      orders: 1,
      products: 1,
      webhooks: { tomlPath: null },
      log: (line) => lines.push(line),
    });
    try {
      const res = await fetch(`${logged.url}/admin/nothing-here?hmac=secret`);
      expect(res.status).toBe(404);
      await res.text();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(lines).toEqual(["404 GET /admin/nothing-here"]);
    } finally {
      await logged.close();
    }
  });

  it("GIVEN the standalone emulator WHEN the app's session token is exchanged THEN Shopify grants the scopes shopify.app.toml declares", async () => {
    const toml = parseToml(readFileSync("shopify.app.toml", "utf8")) as { access_scopes: { scopes: string } };
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "emulators/cli.ts", "shopify", "--port", "0", "--customers", "1", "--orders", "1"],
      { env: { ...process.env, SHOPIFY_API_KEY: "cli-key", SHOPIFY_API_SECRET: "cli-secret" } },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.once("exit", (code) => reject(new Error(`the CLI exited (${code}): ${out}`)));
      });
      const { token } = (await (
        await fetch(`${url}/_emulator/session-token?shop=demo.myshopify.com`)
      ).json()) as {
        token: string;
      };
      const res = await fetch(`${url}/admin/oauth/access_token`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          client_id: "cli-key",
          client_secret: "cli-secret",
          grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
          subject_token: token,
          subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
          requested_token_type: "urn:shopify:params:oauth:token-type:offline-access-token",
        }),
      });
      expect(res.status).toBe(200);
      const granted = (await res.json()) as { scope: string };
      expect(granted.scope.split(",").sort()).toEqual(toml.access_scopes.scopes.split(",").sort());
    } finally {
      child.kill("SIGTERM");
    }
  });
});
