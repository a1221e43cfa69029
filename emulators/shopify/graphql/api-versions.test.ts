/**
 * Version paths: each is served by the nearest vendored schema at or below it (said in a header), and what changed
 * between 2025-04 and 2026-07 behaves as on Shopify.
 */
import { parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SHOP } from "../model";
import type { RunningShopifyEmulator } from "../server";
import { gql, issueToken } from "../testing/client";
import { startTestEmulator, testClock } from "../testing/fixtures";
import { validateDocument } from "./execute";
import { schemaVersionFor } from "./schema";

const clock = testClock();
let emu: RunningShopifyEmulator;
let token: string;

beforeAll(async () => {
  emu = await startTestEmulator({
    now: clock.now,
    customers: 60,
    orders: 120,
    products: 12,
    throttle: { maximumAvailable: 100_000, restoreRate: 10_000 },
  });
  token = await issueToken(emu.url, ["read_customers", "read_orders", "read_all_orders", "read_products"]);
});
afterAll(async () => {
  await emu.close();
});

const NEW = "2026-10";
const OLD = "2025-04";

type Op = { id: string; status: string; url: string | null };

async function runBulk(apiVersion: string, query: string, groupObjects?: boolean): Promise<Op> {
  const arg = groupObjects === undefined ? "" : `, groupObjects: ${groupObjects}`;
  const started = await gql<{
    bulkOperationRunQuery: { bulkOperation: { id: string } | null; userErrors: unknown[] };
  }>(
    emu.url,
    token,
    `mutation($q: String!) { bulkOperationRunQuery(query: $q${arg}) { bulkOperation { id } userErrors { field message code } } }`,
    { variables: { q: query }, apiVersion },
  );
  expect(started.body.errors).toBeUndefined();
  expect(started.body.data!.bulkOperationRunQuery.userErrors).toEqual([]);
  const id = started.body.data!.bulkOperationRunQuery.bulkOperation!.id;
  for (;;) {
    const res = await gql<{ node: Op }>(
      emu.url,
      token,
      `query($id: ID!) { node(id: $id) { ... on BulkOperation { id status url } } }`,
      { variables: { id }, apiVersion },
    );
    const op = res.body.data!.node;
    if (op.status === "COMPLETED") return op;
    expect(["CREATED", "RUNNING"]).toContain(op.status);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const ORDERS_WITH_LINES = "{ orders { edges { node { id lineItems { edges { node { id } } } } } } }";

/** Index of the first child line that comes before its parent line (-1: every child after its parent). */
function firstChildBeforeParent(lines: Array<{ id: string; __parentId?: string }>): number {
  const seen = new Set<string>();
  for (const [i, line] of lines.entries()) {
    if (line.__parentId && !seen.has(line.__parentId)) return i;
    seen.add(line.id);
  }
  return -1;
}

async function download(url: string): Promise<Array<{ id: string; __parentId?: string }>> {
  const text = await (await fetch(url)).text();
  return text
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as { id: string; __parentId?: string });
}

describe("API version paths", () => {
  it("GIVEN a version path WHEN queried THEN the nearest schema at or below it serves it, said in a header", async () => {
    const cases: Array<[string, string]> = [
      ["2024-10", "2025-04"],
      ["2025-04", "2025-04"],
      ["2025-07", "2025-04"],
      ["2025-10", "2025-10"],
      ["2026-01", "2026-07"],
      ["2026-04", "2026-07"],
      ["2026-07", "2026-07"],
      ["2026-10", "2026-07"],
      ["unstable", "2026-07"],
    ];
    for (const [requested, served] of cases) {
      const res = await gql(emu.url, token, "{ shop { name } }", { apiVersion: requested });
      expect(res.headers.get("x-shopify-api-version")).toBe(requested);
      expect(res.headers.get("x-emulator-schema-version")).toBe(served);
      expect(schemaVersionFor(requested)).toBe(served);
    }
  });

  it.each(["2025-10", "2026-01", "2026-04"])(
    "GIVEN %s WHEN fields that exist since 2025-10 are used (uri, publicDisplayName, groupObjects, Count limit) THEN they answer, deprecated ones are refused in strict mode",
    async (version) => {
      const read = await gql<{
        webhookSubscriptions: { nodes: Array<{ uri: string }> };
        shop: { plan: { publicDisplayName: string } };
        customersCount: { count: number; precision: string };
      }>(
        emu.url,
        token,
        "{ webhookSubscriptions(first: 5) { nodes { uri } } shop { plan { publicDisplayName } } customersCount(limit: 5) { count precision } }",
        { apiVersion: version },
      );
      expect(read.body.errors).toBeUndefined();
      expect(read.body.data?.customersCount).toEqual({ count: 5, precision: "AT_LEAST" });
      expect(read.body.data?.shop.plan.publicDisplayName).toEqual(expect.any(String));
      await runBulk(version, "{ customers { edges { node { id } } } }", true);
      const deprecated = await gql(emu.url, token, "{ shop { plan { displayName } } }", {
        apiVersion: version,
      });
      expect(deprecated.body.errors?.[0].extensions).toMatchObject({
        code: "deprecatedField",
        fieldName: "displayName",
      });
    },
  );

  it("GIVEN 2025-10 WHEN bulkOperations or bulkOperation(id:) (from 2026-01) are queried THEN Shopify's undefinedField; 2026-01 has them", async () => {
    for (const field of [
      "bulkOperations(first: 1) { nodes { id } }",
      'bulkOperation(id: "gid://shopify/BulkOperation/1") { id }',
    ]) {
      const old = await gql(emu.url, token, `{ ${field} }`, { apiVersion: "2025-10" });
      expect(old.body.errors?.[0]).toMatchObject({
        message: `Field '${field.split("(")[0]}' doesn't exist on type 'QueryRoot'`,
        extensions: { code: "undefinedField", typeName: "QueryRoot" },
      });
      const now = await gql(emu.url, token, `{ ${field} }`, { apiVersion: "2026-01" });
      expect(now.body.errors).toBeUndefined();
    }
  });

  it("GIVEN strict mode WHEN currentBulkOperation is used on 2026-10 THEN it is rejected as deprecated; on 2025-04 it resolves", async () => {
    const onNew = await gql(emu.url, token, "{ currentBulkOperation { id } }", { apiVersion: NEW });
    expect(onNew.body.errors?.[0].extensions).toMatchObject({
      code: "deprecatedField",
      fieldName: "currentBulkOperation",
    });
    const onOld = await gql(emu.url, token, "{ currentBulkOperation { id } }", { apiVersion: OLD });
    expect(onOld.body.errors).toBeUndefined();
  });

  it("GIVEN 2026-10 WHEN bulkOperation(id:) and bulkOperations are queried THEN they find the operation; 2025-04 has neither", async () => {
    const op = await runBulk(NEW, "{ customers { edges { node { id } } } }");
    const one = await gql<{ bulkOperation: { id: string; status: string } }>(
      emu.url,
      token,
      `query($id: ID!) { bulkOperation(id: $id) { id status objectCount } }`,
      { variables: { id: op.id }, apiVersion: NEW },
    );
    expect(one.body.data?.bulkOperation).toMatchObject({ id: op.id, status: "COMPLETED" });
    const listed = await gql<{ bulkOperations: { nodes: Array<{ id: string }> } }>(
      emu.url,
      token,
      `{ bulkOperations(first: 10, query: "status:COMPLETED operation_type:QUERY", sortKey: CREATED_AT, reverse: true) { nodes { id status } } }`,
      { apiVersion: NEW },
    );
    expect(listed.body.errors).toBeUndefined();
    expect(listed.body.data?.bulkOperations.nodes[0].id).toBe(op.id);
    const running = await gql<{ bulkOperations: { nodes: unknown[] } }>(
      emu.url,
      token,
      `{ bulkOperations(first: 10, query: "status:RUNNING") { nodes { id } } }`,
      { apiVersion: NEW },
    );
    expect(running.body.data?.bulkOperations.nodes).toEqual([]);
    const old = await gql(emu.url, token, `{ bulkOperation(id: "${op.id}") { id } }`, { apiVersion: OLD });
    expect(old.body.errors?.[0].extensions?.code).toBe("undefinedField");
  });

  it("GIVEN 2026-10 WHEN a webhook subscription is made with uri THEN uri reads back; callbackUrl and endpoint are rejected as deprecated", async () => {
    const uri = "https://app.example.com/webhooks/customers";
    const created = await gql<{
      webhookSubscriptionCreate: { webhookSubscription: { id: string; uri: string } | null };
    }>(
      emu.url,
      token,
      `mutation($uri: String!) { webhookSubscriptionCreate(topic: CUSTOMERS_UPDATE, webhookSubscription: { uri: $uri, format: JSON }) { webhookSubscription { id uri } userErrors { field message } } }`,
      { variables: { uri }, apiVersion: NEW },
    );
    expect(created.body.errors).toBeUndefined();
    expect(created.body.data?.webhookSubscriptionCreate.webhookSubscription?.uri).toBe(uri);
    const listed = await gql<{ webhookSubscriptions: { nodes: Array<{ uri: string }> } }>(
      emu.url,
      token,
      `query($uri: String) { webhookSubscriptions(first: 5, uri: $uri) { nodes { uri } } }`,
      { variables: { uri }, apiVersion: NEW },
    );
    expect(listed.body.data?.webhookSubscriptions.nodes).toEqual([{ uri }]);
    const legacyInput = await gql(
      emu.url,
      token,
      `mutation { webhookSubscriptionCreate(topic: ORDERS_CREATE, webhookSubscription: { callbackUrl: "https://app.example.com/o" }) { userErrors { message } } }`,
      { apiVersion: NEW },
    );
    expect(legacyInput.body.errors?.[0].extensions?.code).toBe("deprecatedField");
    const legacyField = await gql(
      emu.url,
      token,
      "{ webhookSubscriptions(first: 1) { nodes { endpoint { __typename } } } }",
      {
        apiVersion: NEW,
      },
    );
    expect(legacyField.body.errors?.[0].extensions).toMatchObject({
      code: "deprecatedField",
      fieldName: "endpoint",
    });
    const onOld = await gql(emu.url, token, "{ webhookSubscriptions(first: 1) { nodes { uri } } }", {
      apiVersion: OLD,
    });
    expect(onOld.body.errors?.[0].extensions?.code).toBe("undefinedField");
    emu.context.shops.get(DEFAULT_SHOP)!.webhookSubscriptions.clear();
  });

  it("GIVEN 2026-10 WHEN the shop plan is read THEN publicDisplayName answers and displayName is deprecated", async () => {
    const res = await gql<{ shop: { plan: { publicDisplayName: string } } }>(
      emu.url,
      token,
      "{ shop { plan { publicDisplayName shopifyPlus } } }",
      { apiVersion: NEW },
    );
    expect(res.body.data?.shop.plan.publicDisplayName).toBe("Shopify");
    const legacy = await gql(emu.url, token, "{ shop { plan { displayName } } }", { apiVersion: NEW });
    expect(legacy.body.errors?.[0].extensions?.code).toBe("deprecatedField");
    const old = await gql(emu.url, token, "{ shop { plan { displayName } } }", { apiVersion: OLD });
    expect(old.body.errors).toBeUndefined();
  });

  it("GIVEN *Count(limit:) on 2026-10 THEN counts above the limit are capped with precision AT_LEAST; limit: null is exact", async () => {
    const res = await gql<{
      capped: { count: number; precision: string };
      exact: { count: number; precision: string };
      orders: { count: number; precision: string };
    }>(
      emu.url,
      token,
      "{ capped: customersCount(limit: 50) { count precision } exact: customersCount(limit: null) { count precision } orders: ordersCount { count precision } }",
      { apiVersion: NEW },
    );
    expect(res.body.data).toEqual({
      capped: { count: 50, precision: "AT_LEAST" },
      exact: { count: 60, precision: "EXACT" },
      orders: { count: 120, precision: "EXACT" },
    });
    const old = await gql(emu.url, token, "{ customersCount(limit: 5) { count } }", { apiVersion: OLD });
    expect(old.body.errors?.[0].extensions?.code).toBe("argumentNotAccepted");
  });

  it("GIVEN validateDocument with a version THEN it validates against the schema serving that version", () => {
    const doc = parse("{ bulkOperations(first: 1) { nodes { id } } }");
    expect(validateDocument(doc, true, NEW)).toEqual([]);
    expect(validateDocument(doc, true)[0].extensions?.code).toBe("undefinedField");
    expect(validateDocument(parse("{ currentBulkOperation { id } }"), true, NEW)[0].extensions?.code).toBe(
      "deprecatedField",
    );
  });
});

describe("bulk output order by version", () => {
  it("GIVEN 2026-10 and no groupObjects WHEN orders with line items are exported THEN a child line comes before its parent, and every child still names a real parent", async () => {
    const op = await runBulk(NEW, ORDERS_WITH_LINES);
    const lines = await download(op.url!);
    expect(firstChildBeforeParent(lines)).toBeGreaterThanOrEqual(0);
    const parents = new Set(lines.filter((l) => !l.__parentId).map((l) => l.id));
    expect(parents.size).toBe(120);
    for (const line of lines) if (line.__parentId) expect(parents.has(line.__parentId)).toBe(true);
    // The same URL gives the same bytes: the order is a function of the seed and the operation.
    expect(await download(op.url!)).toEqual(lines);
  });

  it("GIVEN 2026-10 with groupObjects: true, or 2025-04 WHEN exported THEN every child comes after its parent", async () => {
    const grouped = await runBulk(NEW, ORDERS_WITH_LINES, true);
    expect(firstChildBeforeParent(await download(grouped.url!))).toBe(-1);
    const old = await runBulk(OLD, ORDERS_WITH_LINES);
    expect(firstChildBeforeParent(await download(old.url!))).toBe(-1);
  });

  it("GIVEN two emulators with the same seed WHEN they run the same bulk operation THEN the files are identical; another seed orders differently", async () => {
    const files: string[] = [];
    for (const seed of [7, 7, 8]) {
      const other = await startTestEmulator({ now: clock.now, seed, customers: 10, orders: 40, products: 5 });
      try {
        const t = await issueToken(other.url, ["read_orders", "read_all_orders"]);
        const started = await gql<{ bulkOperationRunQuery: { bulkOperation: { id: string } } }>(
          other.url,
          t,
          `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } } }`,
          { variables: { q: ORDERS_WITH_LINES }, apiVersion: NEW },
        );
        const id = started.body.data!.bulkOperationRunQuery.bulkOperation.id;
        let url: string | null = null;
        while (!url) {
          const res = await gql<{ node: Op }>(
            other.url,
            t,
            `{ node(id: "${id}") { ... on BulkOperation { url } } }`,
            {
              apiVersion: NEW,
            },
          );
          url = res.body.data!.node.url;
          if (!url) await new Promise((resolve) => setTimeout(resolve, 10));
        }
        // Ids differ between seeds; compare the shape of the order (parent or child at each position).
        const lines = await download(url);
        files.push(lines.map((l) => (l.__parentId ? "c" : "P")).join(""));
      } finally {
        await other.close();
      }
    }
    expect(files[0]).toBe(files[1]);
    expect(files[0]).toContain("cP");
    expect(files[2]).not.toBe(files[0]);
  });
});
