/**
 * The end-to-end suites `npm run bench` runs after the ingest benchmark, in order, one at a time (the machine is
 * shared: never two heavy measurements at once). `--suites a,b` picks some (names as in latest.json).
 */
import { suiteSelected, type DatabaseKind } from "./common";
import type { Figure, SuiteResult } from "./figures";
import { shopifyFullSync } from "./shopify-full-sync";
import { throttledSync } from "./throttled-sync";
import { webhookDrain } from "./webhook-drain";
import { webhookIngest } from "./webhook-ingest";
import { wooFullSync } from "./woo-full-sync";

export const SUITES: Record<string, (kinds: DatabaseKind[]) => Promise<SuiteResult>> = {
  shopify_full_sync: (kinds) => shopifyFullSync(kinds),
  throttled_sync: () => throttledSync(),
  woo_full_sync: () => wooFullSync(),
  webhook_ingest: () => webhookIngest(),
  webhook_drain: (kinds) => webhookDrain(kinds),
};

export async function runOtherSuites(input: {
  kinds: DatabaseKind[];
}): Promise<{ json: Record<string, unknown>; figures: Figure[] }> {
  const json: Record<string, unknown> = {};
  const figures: Figure[] = [];
  for (const [name, run] of Object.entries(SUITES)) {
    if (!suiteSelected(name)) continue;
    console.log(`\n${name}:`);
    const started = performance.now();
    const result = await run(input.kinds);
    json[name] = { ...result.json, suite_seconds: Number(((performance.now() - started) / 1000).toFixed(1)) };
    figures.push(...result.figures);
  }
  return { json, figures };
}
