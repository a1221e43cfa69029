/**
 * A bulk export's result file that arrives incomplete (fewer lines than the operation's objectCount, or cut in the
 * middle of a record) is downloaded again; after three bad downloads the read fails with ShopifyBulkDownloadError
 * in merchant words (found by the chaos suite, docs/decisions/0030-chaos-suite.md).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BulkOperations, BulkOperationState } from "../bulk/operation.server";
import { ShopifyBulkDownloadError } from "../errors";
import type { ShopifyGraphqlClient } from "../client.server";
import { readBulk, type BulkReadDeps } from "./bulk-read.server";
import type { BulkCursor } from "./cursor";
import { RESOURCE_SPECS } from "./specs";

const OP = "gid://shopify/BulkOperation/1";
const CUSTOMERS = 5;

function line(i: number): string {
  return JSON.stringify({
    id: `gid://shopify/Customer/${1000 + i}`,
    firstName: `C${i}`,
    updatedAt: "2026-01-01T00:00:00Z",
  });
}
const FULL_FILE = Array.from({ length: CUSTOMERS }, (_, i) => line(i)).join("\n") + "\n";

function stream(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

/** A completed operation whose downloads return `files` in turn (the last one repeats). */
function fakeBulk(files: string[]): { bulk: BulkOperations; downloads: () => number } {
  let downloads = 0;
  const state: BulkOperationState = {
    id: OP,
    status: "COMPLETED",
    errorCode: null,
    objectCount: CUSTOMERS,
    rootObjectCount: CUSTOMERS,
    url: "https://storage.example/result.jsonl",
    partialDataUrl: null,
    createdAt: "2026-01-02T00:00:00Z",
    completedAt: "2026-01-02T00:01:00Z",
  };
  const bulk = {
    waitUntilDone: async () => state,
    download: async () => stream(files[Math.min(downloads++, files.length - 1)]),
    start: async () => {
      throw new Error("no fallback operation expected");
    },
  } as unknown as BulkOperations;
  return { bulk, downloads: () => downloads };
}

const start: BulkCursor = {
  v: 1,
  mode: "bulk",
  op: OP,
  phase: "full",
  after: "",
  startedAt: "2026-01-02T00:00:00Z",
  filter: null,
  fallbacks: 0,
  since: null,
};

async function readAll(deps: BulkReadDeps): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of readBulk(deps, RESOURCE_SPECS.customers, start, new AbortController().signal)) {
    for (const r of page.records) ids.push(String(r.id));
  }
  return ids;
}

describe("bulk result download", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "bulk-read-test-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const deps = (bulk: BulkOperations): BulkReadDeps => ({
    client: {} as ShopifyGraphqlClient,
    bulk,
    spoolPath: join(dir, "customers.sqlite"),
  });

  it("reads a complete file once", async () => {
    const fake = fakeBulk([FULL_FILE]);
    expect(await readAll(deps(fake.bulk))).toHaveLength(CUSTOMERS);
    expect(fake.downloads()).toBe(1);
  });

  it("downloads again a file short of objectCount (cut at a line boundary) and reads every record", async () => {
    const short = FULL_FILE.split("\n").slice(0, 3).join("\n") + "\n";
    const fake = fakeBulk([short, FULL_FILE]);
    const ids = await readAll(deps(fake.bulk));
    expect(ids).toEqual(Array.from({ length: CUSTOMERS }, (_, i) => `gid://shopify/Customer/${1000 + i}`));
    expect(fake.downloads()).toBe(2);
  });

  it("downloads again a file cut in the middle of a record", async () => {
    const fake = fakeBulk([FULL_FILE.slice(0, FULL_FILE.length - 20), FULL_FILE]);
    expect(await readAll(deps(fake.bulk))).toHaveLength(CUSTOMERS);
    expect(fake.downloads()).toBe(2);
  });

  it("gives up after three short downloads with a message a merchant understands, handing over nothing", async () => {
    const short = FULL_FILE.split("\n").slice(0, 4).join("\n") + "\n";
    const fake = fakeBulk([short]);
    const ids: string[] = [];
    const error = await (async () => {
      try {
        for await (const page of readBulk(
          deps(fake.bulk),
          RESOURCE_SPECS.customers,
          start,
          new AbortController().signal,
        ))
          for (const r of page.records) ids.push(String(r.id));
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(ShopifyBulkDownloadError);
    const e = error as ShopifyBulkDownloadError;
    expect(e.code).toBe("shopify_bulk_download_incomplete");
    expect(e.message).toBe(
      "Shopify's export of your customers could not be downloaded completely (the file ended early (4 of 5 " +
        "lines)). Nothing was lost: the next sync downloads it again.",
    );
    expect(fake.downloads()).toBe(3);
    expect(ids).toEqual([]);
  });

  it("gives up on a file cut mid-record every time, naming what happened", async () => {
    const fake = fakeBulk([FULL_FILE.slice(0, 30)]);
    await expect(readAll(deps(fake.bulk))).rejects.toThrow(
      "Shopify's export of your customers could not be downloaded completely (the file ended in the middle of a record)",
    );
    expect(fake.downloads()).toBe(3);
  });
});
