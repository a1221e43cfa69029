/**
 * Bulk rules a connector must survive on real Shopify: structural query validation with Shopify's wording, and
 * result URLs that expire.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningShopifyEmulator } from "../server";
import { gql, issueToken } from "../testing/client";
import { startTestEmulator, testClock } from "../testing/fixtures";

const clock = testClock();
let emu: RunningShopifyEmulator;
let token: string;

beforeAll(async () => {
  emu = await startTestEmulator({ now: clock.now, customers: 30, orders: 40, products: 6 });
  token = await issueToken(emu.url, ["read_customers", "read_orders", "read_all_orders", "read_products"]);
});
afterAll(async () => {
  await emu.close();
});

type UserError = { field: string[] | null; message: string; code: string };

async function runBulk(query: string, apiVersion = "2026-10") {
  const res = await gql<{
    bulkOperationRunQuery: { bulkOperation: { id: string } | null; userErrors: UserError[] };
  }>(
    emu.url,
    token,
    "mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } userErrors { field message code } } }",
    { variables: { q: query }, apiVersion },
  );
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.bulkOperationRunQuery;
}

async function completed(
  id: string,
): Promise<{ status: string; url: string | null; partialDataUrl: string | null }> {
  for (;;) {
    const res = await gql<{ node: { status: string; url: string | null; partialDataUrl: string | null } }>(
      emu.url,
      token,
      `{ node(id: "${id}") { ... on BulkOperation { status url partialDataUrl } } }`,
    );
    const op = res.body.data!.node;
    if (["COMPLETED", "FAILED", "EXPIRED"].includes(op.status)) return op;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const invalid = (message: string): UserError => ({ field: ["query"], message, code: "INVALID" });

describe("bulk query validation", () => {
  it("GIVEN nodes instead of edges { node } WHEN submitted THEN INVALID naming the connection", async () => {
    const result = await runBulk("{ orders { nodes { id } } }");
    expect(result.bulkOperation).toBeNull();
    expect(result.userErrors).toEqual([
      invalid(
        "All connection fields in a bulk query must select their contents using 'edges' > 'node', e.g: 'orders { edges { node {'. Selecting via 'nodes' is not supported. Invalid connection fields: 'orders'.",
      ),
    ]);
  });

  it("GIVEN a nested connection whose parent node does not select id WHEN submitted THEN INVALID naming the parent connection", async () => {
    const withoutId = await runBulk(
      "{ products { edges { node { title variants { edges { node { id } } } } } } }",
    );
    expect(withoutId.userErrors).toEqual([
      invalid(
        "The parent 'node' field for a nested connection must select the 'id' field without an alias and must be of 'ID' return type. Connection fields without 'id': products.",
      ),
    ]);
    const aliased = await runBulk(
      "{ products { edges { node { key: id variants { edges { node { id } } } } } } }",
    );
    expect(aliased.userErrors[0].message).toMatch(/^The parent 'node' field for a nested connection/);
  });

  it("GIVEN a connection inside a list field WHEN submitted THEN INVALID", async () => {
    const result = await runBulk(
      "{ orders { edges { node { id refunds { id refundLineItems { edges { node { quantity } } } } } } } }",
    );
    expect(result.userErrors).toEqual([
      invalid("Queries that contain a connection field within a list field are not currently supported."),
    ]);
  });

  it("GIVEN no connection, a top-level node or two top-level fields WHEN submitted THEN INVALID with Shopify's wording", async () => {
    expect((await runBulk("{ shop { name } }")).userErrors).toEqual([
      invalid("Bulk queries must contain at least one connection."),
    ]);
    expect((await runBulk('{ node(id: "gid://shopify/Order/1") { id } }')).userErrors).toContainEqual(
      invalid("Bulk queries cannot contain a top level `node` field."),
    );
    expect(
      (await runBulk("{ orders { edges { node { id } } } customers { edges { node { id } } } }")).userErrors,
    ).toEqual([invalid("Bulk queries must contain exactly one top-level field.")]);
  });

  it("GIVEN more than 5 connections WHEN submitted THEN INVALID", async () => {
    const result = await runBulk(
      "{ products { edges { node { id variants { edges { node { id } } } media { edges { node { id } } } collections { edges { node { id } } } metafields { edges { node { id } } } sellingPlanGroups { edges { node { id } } } } } } }",
    );
    expect(result.userErrors).toEqual([invalid("Bulk queries cannot contain more than 5 connections.")]);
  });

  it("GIVEN connections nested deeper than 2 below the top level WHEN submitted THEN INVALID; 2 below is accepted", async () => {
    const deep = await runBulk(
      "{ collections { edges { node { id products { edges { node { id variants { edges { node { id media { edges { node { id } } } } } } } } } } } } }",
    );
    expect(deep.userErrors).toEqual([
      invalid("Bulk queries cannot contain connections with a nesting depth greater than 2."),
    ]);
    const twoDeep = await runBulk(
      "{ customers { edges { node { id orders { edges { node { id lineItems { edges { node { id } } } } } } } } } }",
    );
    expect(twoDeep.userErrors).toEqual([]);
    await completed(twoDeep.bulkOperation!.id);
  });

  it("GIVEN a field that does not exist WHEN submitted THEN INVALID with the Shopify-worded schema error", async () => {
    const result = await runBulk("{ orders { edges { node { nope } } } }");
    expect(result.userErrors).toEqual([
      invalid("Invalid bulk query: Field 'nope' doesn't exist on type 'Order'"),
    ]);
  });
});

describe("bulk result URLs", () => {
  it("GIVEN a completed operation WHEN its URL is read after 7 days THEN 400 ExpiredToken; before that it serves the file", async () => {
    const started = await runBulk("{ customers { edges { node { id } } } }");
    const { url } = await completed(started.bulkOperation!.id);
    expect(new URL(url!).searchParams.get("X-Goog-Expires")).toBe("604800");
    const fresh = await fetch(url!);
    expect(fresh.status).toBe(200);
    expect((await fresh.text()).trimEnd().split("\n")).toHaveLength(30);

    clock.advanceMs(7 * 24 * 3600 * 1000 + 1000);
    const expired = await fetch(url!);
    expect(expired.status).toBe(400);
    expect(await expired.text()).toContain("<Code>ExpiredToken</Code>");
  });

  it("GIVEN a tampered URL THEN 403 SignatureDoesNotMatch; the control API can expire a URL at once", async () => {
    const started = await runBulk("{ products { edges { node { id } } } }");
    const id = started.bulkOperation!.id;
    const { url } = await completed(id);
    const tampered = new URL(url!);
    tampered.searchParams.set("X-Goog-Expires", "999999999");
    const denied = await fetch(tampered);
    expect(denied.status).toBe(403);
    expect(await denied.text()).toContain("<Code>SignatureDoesNotMatch</Code>");

    const numericId = id.split("/").pop();
    const expire = await fetch(`${emu.url}/_emulator/bulk/${numericId}/expire`, { method: "POST" });
    expect(expire.status).toBe(200);
    expect((await fetch(url!)).status).toBe(400);
    expect((await completed(id)).status).toBe("EXPIRED");
  });

  it("GIVEN an injected failure WHEN the operation fails THEN its partialDataUrl is signed and serves the partial file", async () => {
    await fetch(`${emu.url}/_emulator/faults/bulk`, {
      method: "POST",
      body: JSON.stringify({ errorCode: "TIMEOUT", afterObjects: 7 }),
    });
    const started = await runBulk("{ customers { edges { node { id } } } }");
    const op = await completed(started.bulkOperation!.id);
    expect(op.url).toBeNull();
    expect(new URL(op.partialDataUrl!).searchParams.get("X-Goog-Signature")).toMatch(/^[0-9a-f]{64}$/);
    expect((await (await fetch(op.partialDataUrl!)).text()).trimEnd().split("\n")).toHaveLength(7);
  });
});
