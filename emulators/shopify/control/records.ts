/**
 * `/_emulator/shops/{shop}/{customers,orders,products}[/{id}]`: create, read, merge-update and delete records the
 * way a merchant's edits would, emitting the matching webhook (…/create, …/update or orders/updated, …/delete).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmuCustomer, EmuOrder, EmuProduct, EmuShop, EmulatorContext } from "../model";
import { allocateId } from "../model";
import type { RecordTable } from "../store/table";
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

function defaults(resource: ResourceName, shop: EmuShop, now: Date): Record<string, unknown> {
  const base = { createdAt: now, updatedAt: now };
  if (resource === "customers") {
    return {
      ...base,
      firstName: null,
      lastName: null,
      email: null,
      phone: null,
      tags: [],
      note: null,
      state: "DISABLED",
      verifiedEmail: false,
      emailConsent: null,
      defaultAddress: null,
      currency: shop.currencyCode,
    };
  }
  if (resource === "products") {
    return {
      ...base,
      title: "Untitled",
      handle: "untitled",
      descriptionHtml: "",
      vendor: shop.name,
      productType: "",
      status: "ACTIVE",
      tags: [],
      variants: [],
      publishedAt: null,
    };
  }
  const number = 1001 + shop.orders.size;
  return {
    ...base,
    name: `#${number}`,
    number,
    email: null,
    phone: null,
    customerId: null,
    currency: shop.currencyCode,
    presentmentCurrency: shop.currencyCode,
    subtotalPrice: "0.00",
    totalTax: "0.00",
    totalShipping: "0.00",
    totalDiscounts: "0.00",
    totalPrice: "0.00",
    financialStatus: "PAID",
    fulfillmentStatus: "UNFULFILLED",
    tags: [],
    note: null,
    lineItems: [],
    refunds: [],
    test: false,
    cancelledAt: null,
    cancelReason: null,
    closedAt: null,
    processedAt: now,
  };
}

/** Handles the record endpoints; false when the path is not one of them. */
export async function handleRecordRoute(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  const method = req.method ?? "GET";
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
      const record = {
        ...defaults(resource, shop, ctx.now()),
        ...body,
        id: (body.id as bigint | undefined) ?? allocateId(shop),
      } as never;
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
        emit(spec.deleteTopic, { id });
        sendJson(res, 200, { deleted: id.toString() });
        return true;
      }
    }
  }
  return false;
}
