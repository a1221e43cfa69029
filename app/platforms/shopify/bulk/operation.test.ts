/** Waiting for a bulk operation: the finish webhook, once stored, cuts the wait short; otherwise polls grow. */
import { describe, expect, it } from "vitest";
import type { ShopifyGraphqlClient } from "../client.server";
import { BulkOperations } from "./operation.server";

function fakeClient(statuses: string[]) {
  const asked: string[] = [];
  const client = {
    request: async (operation: string) => {
      asked.push(operation);
      const status = statuses.shift() ?? "COMPLETED";
      return {
        bulkOperation: {
          id: "gid://shopify/BulkOperation/1",
          status,
          objectCount: "10",
          rootObjectCount: "4",
          url: status === "COMPLETED" ? "https://storage.example/file.jsonl" : null,
          createdAt: "2026-11-01T00:00:00Z",
        },
      };
    },
  } as unknown as ShopifyGraphqlClient;
  return { client, asked };
}

describe("BulkOperations.waitUntilDone", () => {
  it("GIVEN the finish webhook arrives WHEN waiting THEN Shopify is asked at once instead of after the full interval", async () => {
    const { client, asked } = fakeClient(["RUNNING", "COMPLETED"]);
    const slept: number[] = [];
    let signalChecks = 0;
    const bulk = new BulkOperations({
      client,
      fetch: globalThis.fetch,
      recordCall: () => undefined,
      pollIntervalMs: { initial: 10_000, max: 10_000 },
      signalCheckMs: 500,
      finishedSignal: async () => ++signalChecks >= 2,
      sleep: async (ms) => void slept.push(ms),
    });
    const done = await bulk.waitUntilDone("gid://shopify/BulkOperation/1");
    expect(done).toMatchObject({
      status: "COMPLETED",
      rootObjectCount: 4,
      url: "https://storage.example/file.jsonl",
    });
    expect(asked).toEqual(["BulkOperation", "BulkOperation"]);
    expect(slept).toEqual([500, 500]);
  });

  it("GIVEN no webhook WHEN waiting THEN polls come at a growing interval", async () => {
    const { client } = fakeClient(["CREATED", "RUNNING", "RUNNING", "COMPLETED"]);
    const slept: number[] = [];
    const bulk = new BulkOperations({
      client,
      fetch: globalThis.fetch,
      recordCall: () => undefined,
      pollIntervalMs: { initial: 1_000, max: 2_000 },
      signalCheckMs: 1_000_000,
      sleep: async (ms) => void slept.push(ms),
    });
    await bulk.waitUntilDone("gid://shopify/BulkOperation/1");
    expect(slept).toEqual([1_000, 1_500, 2_000]);
  });
});
