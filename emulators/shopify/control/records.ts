/**
 * `/_emulator/shops/{shop}/{customers,orders,products}[/{id}]`: create, read, merge-update and delete records the
 * way a merchant's edits would, emitting the matching webhook (…/create, …/update or orders/updated, …/delete;
 * `DELETE …?webhook=false` deletes without one, as when deliveries are lost).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmuCustomer, EmuOrder, EmuProduct, EmuShop, EmulatorContext } from "../model";
import { allocateId } from "../model";
import type { RecordTable } from "../store/table";
import { blankCustomer, blankOrder, blankProduct } from "../store/blank-records";
import { customerToRest, orderToRest, productToRest } from "../webhooks/rest-bodies";
import { readJsonObject as readJsonBody, sendJson } from "../../shared/http";
import { ControlError as HttpError } from "../webhooks/control-error";

const RESOURCES = {
  customers: { topic: "customers", toRest: customerToRest, deleteTopic: "customers/delete" },
  orders: { topic: "orders", toRest: orderToRest, deleteTopic: "orders/delete" },
  products: { topic: "products", toRest: productToRest, deleteTopic: "products/delete" },
} as const;
type ResourceName = keyof typeof RESOURCES;

/** Revives JSON input into a record: ISO strings → Date for *At fields, numeric strings → bigint for ids. */
function revive(input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (/At$/.test(key) && typeof value === "string") out[key] = new Date(value);
    else if (
      /(^id|Id)$/.test(key) &&
      (typeof value === "string" || typeof value === "number") &&
      /^\d+$/.test(String(value))
    )
      out[key] = BigInt(value);
    else if (key === "lineItems" && Array.isArray(value))
      out[key] = value.map((v) => revive(v as Record<string, unknown>));
    else if (key === "variants" && Array.isArray(value))
      out[key] = value.map((v) => revive(v as Record<string, unknown>));
    else if (key === "refunds" && Array.isArray(value))
      out[key] = value.map((v) => revive(v as Record<string, unknown>));
    else if (key === "emailConsent" && value && typeof value === "object")
      out[key] = revive(value as Record<string, unknown>);
    else out[key] = value;
  }
  return out;
}

function blank(resource: ResourceName, shop: EmuShop, id: bigint, now: Date): Record<string, unknown> {
  if (resource === "customers") return { ...blankCustomer(id, now, shop.currencyCode) };
  if (resource === "products") return { ...blankProduct(id, now, shop.name) };
  return { ...blankOrder(id, now, shop.currencyCode, 1001 + shop.orders.size) };
}

/** Handles the record endpoints; false when the path is not one of them. */
export async function handleRecordRoute(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  const method = req.method ?? "GET";
  const path = url.pathname;
  const records = /^\/_emulator\/shops\/([^/]+)\/(customers|orders|products)(?:\/(\d+))?$/.exec(path);
  if (records) {
    const shop = ctx.shops.get(records[1]);
    if (!shop) throw new HttpError(404, `Unknown shop ${records[1]}`);
    const resource = records[2] as ResourceName;
    const map = shop[resource] as unknown as RecordTable<EmuCustomer | EmuOrder | EmuProduct>;
    const spec = RESOURCES[resource];
    const emit = (topic: string, body: unknown) => ctx.webhooks.emit({ shop: shop.domain, topic, body });
    const id = records[3] ? BigInt(records[3]) : null;
    if (id === null && method === "POST") {
      const body = revive(await readJsonBody(req));
      const newId = (body.id as bigint | undefined) ?? allocateId(shop);
      const record = { ...blank(resource, shop, newId, ctx.now()), ...body, id: newId } as never;
      map.set((record as { id: bigint }).id, record);
      emit(`${spec.topic}/create`, (spec.toRest as (s: EmuShop, r: never) => unknown)(shop, record));
      sendJson(res, 201, { id: (record as { id: bigint }).id.toString() });
      return true;
    }
    if (id !== null) {
      const existing = map.get(id);
      if (!existing) throw new HttpError(404, `No ${resource.slice(0, -1)} ${id} in ${shop.domain}`);
      if (method === "GET") {
        sendJson(res, 200, existing);
        return true;
      }
      if (method === "PUT" || method === "PATCH") {
        const body = revive(await readJsonBody(req));
        const record = {
          ...existing,
          ...body,
          id,
          updatedAt: (body.updatedAt as Date | undefined) ?? ctx.now(),
        } as never;
        map.set((record as { id: bigint }).id, record);
        emit(
          resource === "orders" ? "orders/updated" : `${spec.topic}/update`,
          (spec.toRest as (s: EmuShop, r: never) => unknown)(shop, record),
        );
        sendJson(res, 200, { id: id.toString() });
        return true;
      }
      if (method === "DELETE") {
        map.delete(id);
        // `?webhook=false`: the store deletes it but the app never hears (a lost delivery, a deleted subscription).
        if (url.searchParams.get("webhook") !== "false") emit(spec.deleteTopic, { id });
        sendJson(res, 200, { deleted: id.toString() });
        return true;
      }
    }
  }
  return false;
}
