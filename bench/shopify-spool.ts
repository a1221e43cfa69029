/**
 * Memory of the Shopify bulk join (app/platforms/shopify/bulk/spool.server.ts) as the export grows: an ungrouped
 * JSONL export (every order's line items written *before* the order, the worst case for a join held in memory) is
 * streamed into the spool and read back page by page with children attached, for two sizes. Peak heap and RSS are
 * sampled at every chunk and every page (the work is synchronous, so a timer would never fire); flat memory means
 * the peak does not grow with the number of records.
 *
 *   npx tsx bench/shopify-spool.ts [--small 100000] [--large 1000000]
 *
 * Each size runs in a fresh child process so one size's garbage does not count against the other.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BulkSpool, linesOf } from "../app/platforms/shopify/bulk/spool.server";

const ITEMS_PER_ORDER = 2;

/** A byte stream of `orders` orders, each preceded by its line items (never materialized whole). */
let peakHeap = 0;
let peakRss = 0;
function sample() {
  const m = process.memoryUsage();
  peakHeap = Math.max(peakHeap, m.heapUsed);
  peakRss = Math.max(peakRss, m.rss);
}

function ungroupedExport(orders: number): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let next = 0;
  return new ReadableStream({
    pull(controller) {
      sample();
      if (next >= orders) return controller.close();
      const lines: string[] = [];
      for (let n = 0; n < 500 && next < orders; n++, next++) {
        const id = `gid://shopify/Order/${5_000_000_000 + next}`;
        for (let i = 0; i < ITEMS_PER_ORDER; i++) {
          lines.push(
            JSON.stringify({
              id: `gid://shopify/LineItem/${9_000_000_000 + next * ITEMS_PER_ORDER + i}`,
              title: "Item",
              quantity: 1,
              originalUnitPriceSet: { shopMoney: { amount: "12.5", currencyCode: "USD" } },
              __parentId: id,
            }),
          );
        }
        lines.push(
          JSON.stringify({
            id,
            name: `#${next}`,
            email: `buyer${next}@example.com`,
            updatedAt: "2026-11-01T00:00:00Z",
          }),
        );
      }
      controller.enqueue(encoder.encode(`${lines.join("\n")}\n`));
    },
  });
}

async function measure(orders: number) {
  const dir = mkdtempSync(join(tmpdir(), "spool-bench-"));
  const started = performance.now();
  const spool = BulkSpool.open(join(dir, "spool.sqlite"));
  const loaded = await spool.load("bench", linesOf(ungroupedExport(orders)));
  let after = "";
  let parents = 0;
  let children = 0;
  for (;;) {
    const page = spool.page(after, 500, "lineItems");
    sample();
    if (page.length === 0) break;
    parents += page.length;
    children += page.reduce((n, r) => n + r.childCount, 0);
    after = page[page.length - 1].key;
  }
  spool.close();
  rmSync(dir, { recursive: true, force: true });
  if (parents !== orders || children !== orders * ITEMS_PER_ORDER) throw new Error("The join lost records.");
  return {
    records: orders,
    lines: loaded.parents + loaded.children,
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    peakHeapMb: Math.round(peakHeap / 2 ** 20),
    peakRssMb: Math.round(peakRss / 2 ** 20),
  };
}

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};

if (process.argv.includes("--child")) {
  console.log(JSON.stringify(await measure(arg("orders", 100_000))));
} else {
  const results = [arg("small", 100_000), arg("large", 1_000_000)].map((orders) =>
    JSON.parse(
      execFileSync("npx", ["tsx", "bench/shopify-spool.ts", "--child", "--orders", String(orders)], {
        encoding: "utf8",
      })
        .trim()
        .split("\n")
        .at(-1)!,
    ),
  );
  for (const r of results) console.log(JSON.stringify(r));
}
