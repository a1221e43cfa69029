/** Small helpers the per-resource mutation modules share: reading REST input, meta data, trashing. */
import { RestError } from "../errors";
import type { EmulatedWooAddress, EmulatedWooMeta } from "./records";
import type { StoreInput, WooStore } from "./store";

/** A REST input value as a string ("" or the fallback when absent). */
export function str(value: unknown, fallback = ""): string {
  if (value === undefined || value === null) return fallback;
  return String(value);
}

/** Copies the known keys of an address object from the input onto the target (unknown keys are ignored). */
export function mergeAddress(target: EmulatedWooAddress, input: unknown): void {
  if (!input || typeof input !== "object") return;
  for (const [key, value] of Object.entries(input as StoreInput)) {
    if (key in target) (target as unknown as Record<string, string>)[key] = str(value);
  }
}

/** `meta_data: [{id?, key, value}]`: updates by id (or key) or appends, as WC_Data::set_meta_data does. */
export function applyMeta(store: WooStore, target: EmulatedWooMeta[], input: unknown): void {
  if (!Array.isArray(input)) return;
  for (const raw of input) {
    if (!raw || typeof raw !== "object") continue;
    const item = raw as StoreInput;
    const key = str(item.key);
    if (!key) continue;
    const existing = target.find((m) => (item.id ? m.id === Number(item.id) : m.key === key));
    if (existing) existing.value = str(item.value);
    else target.push(store.meta(key, str(item.value)));
  }
}

/** Moves a post to the trash as wp_trash_post does: remembers its status and fires `<resource>.deleted`. */
export function trash(
  store: WooStore,
  record: { status: string; trashedFrom?: string; modifiedMs: number },
  resource: "order" | "product",
  id: number,
): void {
  if (record.status === "trash") {
    throw new RestError(410, "woocommerce_rest_already_trashed", `The ${resource} has already been deleted.`);
  }
  record.trashedFrom = record.status;
  record.status = "trash";
  record.modifiedMs = store.nowMs();
  store.emit({ topic: `${resource}.deleted`, resourceId: id });
}

/**
 * Fires the hooks of a creation. A real store fires both `*.created` and `*.updated` for one create (the REST
 * controller saves the new object a second time), so a webhook on `*.updated` hears about new records too.
 */
export function emitCreated(store: WooStore, resource: "customer" | "order" | "product", id: number): void {
  store.emit({ topic: `${resource}.created`, resourceId: id });
  store.emit({ topic: `${resource}.updated`, resourceId: id });
}
