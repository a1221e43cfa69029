/**
 * The demo's stores never hand out an id twice. The emulators start again from their seed on every `npm run demo`,
 * so without this the records created while an earlier demo ran (customers and orders every few seconds) would be
 * created again under the same ids by the next one, and the app, whose data folder is kept, would take a new person
 * for an old one. A real store's ids only grow. So the emulators' next ids are kept in the data folder while the demo
 * runs and, at the next start, the sequences carry on from there (ADR 0055).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { EmuShop } from "../../emulators/shopify/model";
import type { IdSequences } from "../../emulators/woocommerce/store/store";

export interface DemoStores {
  shopify: Pick<EmuShop, "nextId">;
  woo: IdSequences;
}

interface SavedIds {
  shopifyNextId: string;
  woo: Partial<IdSequences>;
}

const WOO_SEQUENCES = ["post", "user", "item", "meta", "webhook", "key"] as const;

/** Moves each sequence up to where the last demo left it (never down). A missing or unreadable file changes nothing. */
export function restoreStoreIds(file: string, stores: DemoStores): void {
  if (!existsSync(file)) return;
  let saved: SavedIds;
  try {
    saved = JSON.parse(readFileSync(file, "utf8")) as SavedIds;
  } catch {
    return;
  }
  if (/^\d+$/.test(saved.shopifyNextId ?? "")) {
    const next = BigInt(saved.shopifyNextId);
    if (next > stores.shopify.nextId) stores.shopify.nextId = next;
  }
  for (const name of WOO_SEQUENCES) {
    const next = saved.woo?.[name];
    if (Number.isSafeInteger(next) && (next as number) > stores.woo[name]) stores.woo[name] = next as number;
  }
}

/** Writes the stores' next ids (to a temporary file first, so a demo stopped mid-write leaves the last good copy). */
export function saveStoreIds(file: string, stores: DemoStores): void {
  const saved: SavedIds = { shopifyNextId: stores.shopify.nextId.toString(), woo: { ...stores.woo } };
  writeFileSync(`${file}.tmp`, `${JSON.stringify(saved, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/** Saves now and every `everyMs` until the returned function is called (which saves a last time). */
export function keepStoreIds(file: string, stores: DemoStores, everyMs = 2_000): () => void {
  saveStoreIds(file, stores);
  const timer = setInterval(() => saveStoreIds(file, stores), everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    saveStoreIds(file, stores);
  };
}
