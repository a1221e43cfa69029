import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEFAULT_SHOP } from "../model";
import type { RunningShopifyEmulator } from "../server";
import { gql, issueToken } from "../testing/client";
import { startTestEmulator, testClock } from "../testing/fixtures";
import type { GqlContext } from "../graphql/context";
import { loadSchema, schemaVersionFor } from "../graphql/schema";

const clock = testClock();
const ORDER_COUNT = 35_000;
let emu: RunningShopifyEmulator;
let token: string;

const ORDERS_BULK =
  "{ orders { edges { node { id name lineItems { edges { node { id sku quantity } } } } } } }";

beforeAll(async () => {
  emu = await startTestEmulator({
    now: clock.now,
    customers: 200,
    orders: ORDER_COUNT,
    products: 40,
    throttle: { maximumAvailable: 1_000_000, restoreRate: 1000 },
  });
  token = await issueToken(emu.url, ["read_orders", "read_all_orders", "read_customers"]);
});
afterAll(async () => {
  await emu.close();
});

type Op = {
  id: string;
  status: string;
  objectCount: string;
  rootObjectCount: string;
  fileSize: string | null;
  url: string | null;
  partialDataUrl: string | null;
  errorCode: string | null;
};
const OP_FIELDS =
  "id status objectCount rootObjectCount fileSize url partialDataUrl errorCode createdAt completedAt";

async function runBulk(
  query: string,
  accessToken = token,
): Promise<{ id: string | null; userErrors: Array<{ message: string; code: string }> }> {
  const res = await gql<{
    bulkOperationRunQuery: {
      bulkOperation: { id: string } | null;
      userErrors: Array<{ message: string; code: string }>;
    };
  }>(
    emu.url,
    accessToken,
    "mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status } userErrors { field message code } } }",
    { variables: { q: query } },
  );
  return {
    id: res.body.data!.bulkOperationRunQuery.bulkOperation?.id ?? null,
    userErrors: res.body.data!.bulkOperationRunQuery.userErrors,
  };
}

/** Polls node(id) like an app would until the operation is finished. */
async function waitFor(id: string, accessToken = token): Promise<Op> {
  for (;;) {
    const res = await gql<{ node: Op }>(
      emu.url,
      accessToken,
      `query($id: ID!) { node(id: $id) { ... on BulkOperation { ${OP_FIELDS} } } }`,
      { variables: { id } },
    );
    const op = res.body.data!.node;
    if (!["CREATED", "RUNNING", "CANCELING"].includes(op.status)) return op;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function gqlContext(apiVersion: string): GqlContext {
  return {
    emu: emu.context,
    shop: emu.context.shops.get(DEFAULT_SHOP)!,
    access: {
      shop: DEFAULT_SHOP,
      scopes: ["read_orders", "read_customers"],
      kind: "offline",
      expiresAt: null,
    },
    apiVersion,
    schema: loadSchema(schemaVersionFor(apiVersion)),
    bulk: emu.bulk,
    searchWarnings: [],
  };
}

describe("bulk operations", () => {
  it("GIVEN more than 100,000 orders and line items WHEN a bulk query runs THEN the streamed JSONL reassembles exactly, children after parents", async () => {
    const emit = vi.spyOn(emu.context.webhooks, "emit");
    const started = await runBulk(ORDERS_BULK);
    expect(started.userErrors).toEqual([]);
    const op = await waitFor(started.id!);
    expect(op.status).toBe("COMPLETED");
    const shop = emu.context.shops.get(DEFAULT_SHOP)!;
    const expectedObjects = [...shop.orders.values()].reduce((sum, o) => sum + 1 + o.lineItems.length, 0);
    expect(expectedObjects).toBeGreaterThanOrEqual(100_000);
    expect(Number(op.objectCount)).toBe(expectedObjects);
    expect(Number(op.rootObjectCount)).toBe(ORDER_COUNT);

    const res = await fetch(op.url!);
    expect(res.headers.get("content-length")).toBeNull(); // streamed (chunked), not buffered
    const text = await res.text();
    expect(Buffer.byteLength(text)).toBe(Number(op.fileSize));
    expect(text).toContain('"gid:\\/\\/shopify\\/Order\\/');
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(expectedObjects);

    const seen = new Set<string>();
    const children = new Map<string, string[]>();
    const names = new Map<string, string>();
    let notRightAfter = 0;
    let previousRoot: string | null = null;
    let previousLineId: string | null = null;
    for (const line of lines) {
      const obj = JSON.parse(line) as { id: string; name?: string; __parentId?: string };
      if (obj.__parentId) {
        expect(seen.has(obj.__parentId)).toBe(true); // the parent came first
        if (obj.__parentId !== previousRoot) notRightAfter += 1;
        children.set(obj.__parentId, [...(children.get(obj.__parentId) ?? []), obj.id]);
      } else {
        previousRoot = obj.id;
        names.set(obj.id, obj.name!);
      }
      seen.add(obj.id);
      previousLineId = obj.id;
    }
    expect(previousLineId).not.toBeNull();
    expect(notRightAfter).toBeGreaterThan(0);
    for (const order of shop.orders.values()) {
      const id = `gid://shopify/Order/${order.id}`;
      expect(names.get(id)).toBe(order.name);
      expect((children.get(id) ?? []).sort()).toEqual(
        order.lineItems.map((li) => `gid://shopify/LineItem/${li.id}`).sort(),
      );
    }

    const finish = emit.mock.calls.map((c) => c[0]).find((e) => e.topic === "bulk_operations/finish");
    expect(finish?.body).toEqual({
      admin_graphql_api_id: op.id,
      completed_at: expect.any(String),
      created_at: expect.any(String),
      error_code: null,
      status: "completed",
      type: "query",
    });
  });

  it("GIVEN a finished operation WHEN its file is read in-process THEN lines are generated lazily, a chunk at a time", async () => {
    const op = emu.bulk.all(DEFAULT_SHOP).find((o) => o.status === "COMPLETED")!;
    const stream = emu.bulk.stream(op.id, false)!;
    const buffered = await new Promise<number>((resolve) =>
      stream.once("readable", () => resolve(stream.readableLength)),
    );
    const first = String(stream.read());
    stream.destroy();
    // Once readable, the stream holds a chunk or a few (500 lines each), never the whole file.
    expect(buffered).toBeGreaterThan(0);
    expect(buffered).toBeLessThan(op.fileSize! / 10);
    expect(first.split("\n").length - 1).toBeLessThan(op.objectCount / 10);
    expect(op.objectCount).toBeGreaterThan(100_000);
  });

  it("GIVEN API 2025-04 WHEN a second bulk query starts while one runs THEN OPERATION_IN_PROGRESS; 2026-01 allows five", () => {
    const old = gqlContext("2025-04");
    const first = emu.bulk.run(old, "{ customers { edges { node { id } } } }");
    expect(first.userErrors).toEqual([]);
    const second = emu.bulk.run(old, "{ customers { edges { node { id } } } }");
    expect(second.userErrors[0]).toMatchObject({
      code: "OPERATION_IN_PROGRESS",
      message: `A bulk query operation for this app and shop is already in progress: gid://shopify/BulkOperation/${first.operation!.id}.`,
    });
    const recent = gqlContext("2026-01");
    const more = [1, 2, 3, 4].map(() => emu.bulk.run(recent, "{ customers { edges { node { id } } } }"));
    expect(more.every((r) => r.userErrors.length === 0)).toBe(true);
    const sixth = emu.bulk.run(recent, "{ customers { edges { node { id } } } }").userErrors[0];
    expect(sixth.code).toBe("LIMIT_REACHED");
    // The error lists the five running operations.
    const active = emu.bulk
      .all(DEFAULT_SHOP)
      .filter((o) => ["CREATED", "RUNNING", "CANCELING"].includes(o.status));
    expect(active).toHaveLength(5);
    for (const op of active) expect(sixth.message).toContain(`gid://shopify/BulkOperation/${op.id}`);
    for (const op of emu.bulk.all(DEFAULT_SHOP))
      if (op.status === "CREATED") emu.bulk.cancel(emu.context.shops.get(DEFAULT_SHOP)!, op.id);
  });

  it("GIVEN a big and then a small bulk query started together on 2026-01 WHEN they run THEN the big one (started first) is ready first", async () => {
    const recent = gqlContext("2026-01");
    const shop = emu.context.shops.get(DEFAULT_SHOP)!;
    const active = () =>
      emu.bulk.all(DEFAULT_SHOP).some((o) => ["CREATED", "RUNNING", "CANCELING"].includes(o.status));
    while (active()) await new Promise((resolve) => setTimeout(resolve, 5));
    const big = emu.bulk.run(recent, ORDERS_BULK).operation!;
    const small = emu.bulk.run(recent, "{ customers { edges { node { id } } } }").operation!;
    expect(small.status).toBe("CREATED");
    while (emu.bulk.get(shop, small.id)!.status !== "COMPLETED")
      await new Promise((resolve) => setTimeout(resolve, 5));
    // One thread: interleaved, the 200-line export would finish long before the 70,000-line one.
    expect(emu.bulk.get(shop, big.id)!.status).toBe("COMPLETED");
  });

  it("GIVEN a running operation WHEN bulkOperationCancel is called THEN it ends CANCELED", async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = await runBulk(ORDERS_BULK);
    const cancel = await gql<{ bulkOperationCancel: { bulkOperation: { status: string } } }>(
      emu.url,
      token,
      `mutation { bulkOperationCancel(id: "${started.id}") { bulkOperation { status } userErrors { message } } }`,
    );
    expect(cancel.body.data?.bulkOperationCancel.bulkOperation.status).toBe("CANCELING");
    const op = await waitFor(started.id!);
    expect(op.status).toBe("CANCELED");
    expect(op.url).toBeNull();
  });

  it("GIVEN an injected failure WHEN the operation runs THEN FAILED with a partialDataUrl serving the objects written so far", async () => {
    await fetch(`${emu.url}/_emulator/faults/bulk`, {
      method: "POST",
      body: JSON.stringify({ shop: DEFAULT_SHOP, errorCode: "INTERNAL_SERVER_ERROR", afterObjects: 25 }),
    });
    const started = await runBulk(ORDERS_BULK);
    const op = await waitFor(started.id!);
    expect(op).toMatchObject({
      status: "FAILED",
      errorCode: "INTERNAL_SERVER_ERROR",
      url: null,
      objectCount: "25",
    });
    const partial = await (await fetch(op.partialDataUrl!)).text();
    expect(partial.trimEnd().split("\n")).toHaveLength(25);
  });

  it("GIVEN a token without read_orders WHEN bulk-querying orders THEN the operation FAILS with ACCESS_DENIED", async () => {
    const limited = await issueToken(emu.url, ["read_customers"]);
    const started = await runBulk(ORDERS_BULK, limited);
    const op = await waitFor(started.id!, limited);
    expect(op).toMatchObject({ status: "FAILED", errorCode: "ACCESS_DENIED" });
  });

  it("GIVEN an invalid bulk query WHEN submitted THEN userErrors and no operation", async () => {
    const bad = await runBulk("{ orders { edges { node { nope } } } }");
    expect(bad.id).toBeNull();
    expect(bad.userErrors[0]).toMatchObject({ code: "INVALID", message: expect.stringContaining("nope") });
    const noConnection = await runBulk("{ shop { name } }");
    expect(noConnection.userErrors[0].message).toBe("Bulk queries must contain at least one connection.");
  });

  it("GIVEN customers with their orders nested WHEN bulk-queried THEN every order line points to its customer", async () => {
    const started = await runBulk("{ customers { edges { node { id orders { edges { node { id } } } } } } }");
    expect(started.userErrors).toEqual([]);
    const op = await waitFor(started.id!);
    const lines = (await (await fetch(op.url!)).text())
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { id: string; __parentId?: string });
    const shop = emu.context.shops.get(DEFAULT_SHOP)!;
    const withCustomer = [...shop.orders.values()].filter((o) => o.customerId !== null);
    expect(lines.filter((l) => !l.__parentId)).toHaveLength(shop.customers.size);
    const parentOf = new Map(lines.filter((l) => l.__parentId).map((l) => [l.id, l.__parentId]));
    expect(parentOf.size).toBe(withCustomer.length);
    for (const order of withCustomer) {
      expect(parentOf.get(`gid://shopify/Order/${order.id}`)).toBe(
        `gid://shopify/Customer/${order.customerId}`,
      );
    }
  });

  it("GIVEN currentBulkOperation WHEN queried THEN it is the shop's latest operation", async () => {
    const res = await gql<{ currentBulkOperation: Op }>(
      emu.url,
      token,
      `{ currentBulkOperation { ${OP_FIELDS} } }`,
    );
    const latest = emu.bulk.current(emu.context.shops.get(DEFAULT_SHOP)!)!;
    expect(res.body.data?.currentBulkOperation.id).toBe(`gid://shopify/BulkOperation/${latest.id}`);
  });
});
