/**
 * A local WooCommerce 11.0.1 (WordPress 7.1, HPOS on): REST v3 under /wp-json/wc/v3/, its authentication rules,
 * pagination quirks, key approval flow and webhook deliveries, plus a control API under /_emulator/ for tests,
 * demos and benchmarks. See README.md beside this file for the contract.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { fileURLToPath } from "node:url";
import {
  closeWithSockets,
  escapeHtml,
  listen,
  readBody,
  readJsonObject,
  redirect,
  sendHtml,
  sendJson,
  sendText,
} from "../shared/http";
import { authenticate } from "./auth";
import type { ApiKeyRecord, Clock, KeyPermissions } from "./model";
import { dateFilterMs, idList, validateArgs, type ArgSpec, type ArgValue } from "./params";
import { buildPhpQuery, parsePhpQuery, phpJsonEncode, setQueryEntry, type QueryEntry } from "./php";
import {
  WC_VERSION,
  WP_VERSION,
  renderCustomer,
  renderOrder,
  renderProduct,
  renderRefund,
  renderVariation,
  renderWebhook,
  wpDate,
  type RenderContext,
} from "./render";
import { ORDER_STATUSES, RestError, WooStore, type SeedCounts } from "./store";
import { DeliveryQueue, post } from "./webhooks";

export { WooStore, RestError } from "./store";
export type { Clock } from "./model";

export interface WooEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Seed for the generated store (default 1). */
  seed?: number;
  /** How many records to generate (defaults: 25 customers, 50 orders, 10 products). */
  counts?: Partial<SeedCounts>;
  siteName?: string;
  /** Public site URL (no trailing slash); default http(s)://127.0.0.1:<port>. OAuth signatures are checked against it. */
  siteUrl?: string;
  /** Site timezone as a UTC offset; dates without `_gmt` are in site time. Default 0 (UTC). */
  utcOffsetMinutes?: number;
  /** Delay between a hook firing and its webhook delivery (Action Scheduler). Default 25,000 ms. */
  deliveryDelayMs?: number;
  /** Timeout of one webhook delivery. Default 60,000 ms. */
  deliveryTimeoutMs?: number;
  /** Run due deliveries automatically (default true). Tests with a manual clock call flushDeliveries(). */
  autoDeliver?: boolean;
  /** Time source (epoch ms). Default Date.now. The control API can shift it with POST /_emulator/clock. */
  clock?: Clock;
  /** Serve HTTPS with the bundled self-signed localhost certificate (or the given key/cert). */
  tls?: boolean | { key: string; cert: string };
  /** How /wc-auth/v1/authorize answers: show the approve/deny page (default), or approve / deny at once. */
  wcAuthMode?: WcAuthMode;
  /** Accept http:// callback URLs in the key approval flow (real stores require https). Default false. */
  allowHttpAuthCallback?: boolean;
}

export type WcAuthMode = "prompt" | "approve" | "deny";

export type Fault =
  | {
      type: "error";
      status: number;
      count?: number;
      persistent?: boolean;
      retryAfterSeconds?: number;
      pathPrefix?: string;
    }
  | { type: "slow"; delayMs: number; count?: number; persistent?: boolean; pathPrefix?: string }
  | { type: "timeout"; count?: number; persistent?: boolean; pathPrefix?: string }
  | { type: "not-woocommerce"; status?: number };

export interface WooEmulator {
  url: string;
  port: number;
  store: WooStore;
  deliveries: DeliveryQueue;
  /** Creates an API key (ck_/cs_ + 40 hex), as POST /_emulator/keys does. */
  createKey(permissions?: KeyPermissions): { consumer_key: string; consumer_secret: string; key_id: number };
  /** Sends every queued webhook delivery now. */
  flushDeliveries(): Promise<number>;
  /** Shifts the emulator clock forward (on top of the injected clock). */
  advanceClock(ms: number): void;
  now(): number;
  addFault(fault: Fault): void;
  clearFaults(): void;
  close(): Promise<void>;
}

const FIXTURES = new URL("./fixtures/", import.meta.url);
const DEFAULT_COUNTS: SeedCounts = { customers: 25, orders: 50, products: 10 };

const JSON_HEADERS: Record<string, string> = {
  "X-Powered-By": "PHP/8.2.36",
  "Content-Type": "application/json; charset=UTF-8",
  "X-Robots-Tag": "noindex",
  "X-Content-Type-Options": "nosniff",
  "Access-Control-Expose-Headers": "X-WP-Total, X-WP-TotalPages, Link",
  "Access-Control-Allow-Headers": "Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type",
  Expires: "Wed, 11 Jan 1984 05:00:00 GMT",
  "Cache-Control": "no-cache, must-revalidate, max-age=0, no-store, private",
};

interface RestRequest {
  method: string;
  /** Route relative to /wc/v3, e.g. /orders/12 */
  route: string;
  query: QueryEntry[];
  params: Record<string, unknown>;
  key: ApiKeyRecord | null;
}

interface RestResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

type Resource = "customers" | "orders" | "products" | "webhooks";

/** Starts the emulator; resolves once it listens (GET /_emulator/health then answers 200). */
export async function startWooEmulator(options: WooEmulatorOptions = {}): Promise<WooEmulator> {
  const baseClock = options.clock ?? { now: () => Date.now() };
  let clockOffsetMs = 0;
  const clock: Clock = { now: () => baseClock.now() + clockOffsetMs };
  const seedValue = options.seed ?? 1;
  let counts: SeedCounts = { ...DEFAULT_COUNTS, ...options.counts };
  let seed = seedValue;
  const useTls = !!options.tls;
  let siteUrl = options.siteUrl?.replace(/\/$/, "") ?? "";
  let wcAuthMode: WcAuthMode = options.wcAuthMode ?? "prompt";
  let faults: (Fault & { remaining: number })[] = [];
  const hashSalt = randomBytes(16).toString("hex");

  const store = new WooStore(clock, (event) => deliveries.onEvent(event));
  const ctx: RenderContext = {
    get siteUrl() {
      return siteUrl;
    },
    utcOffsetMinutes: options.utcOffsetMinutes ?? 0,
    product: (id) => store.products.get(id),
    variation: (id) => store.variations.get(id),
  };
  const deliveries: DeliveryQueue = new DeliveryQueue({
    clock,
    store,
    delayMs: options.deliveryDelayMs ?? 25_000,
    timeoutMs: options.deliveryTimeoutMs ?? 60_000,
    siteUrl: () => siteUrl,
    payload: (resource, id) => webhookPayload(resource, id),
    hashSalt,
  });
  store.seed(seed, counts);

  const environment = JSON.parse(
    readFileSync(fileURLToPath(new URL("real-11.0.1/system-status-environment.json", FIXTURES)), "utf8"),
  ) as { environment: Record<string, unknown>; settings: Record<string, unknown> };

  /** The body a webhook delivery carries: the resource as GET would show it now, or GET's error when it is gone. */
  function webhookPayload(resource: string, id: number): unknown {
    try {
      if (resource === "order")
        return renderOrder(
          mustGet(store.orders, id, 404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID."),
          ctx,
        );
      if (resource === "customer")
        return renderCustomer(
          mustGet(store.customers, id, 404, "woocommerce_rest_invalid_id", "Invalid resource ID."),
          ctx,
        );
      if (resource === "product") {
        const variation = store.variations.get(id);
        if (variation) return renderVariation(variation, ctx);
        return renderProduct(
          mustGet(store.products, id, 404, "woocommerce_rest_product_invalid_id", "Invalid ID."),
          ctx,
        );
      }
      return { id };
    } catch (error) {
      if (error instanceof RestError) return error.body();
      throw error;
    }
  }

  // ---- list helpers -----------------------------------------------------------------------------------------

  const sortCache = new Map<string, { version: number; ids: number[] }>();

  function sorted<T extends { id: number }>(
    name: string,
    records: Map<number, T>,
    orderby: string,
    order: "asc" | "desc",
    key: (r: T) => number | string,
    tieAsc = false,
  ): T[] {
    const cacheKey = `${name}|${orderby}|${order}`;
    const cached = sortCache.get(cacheKey);
    if (cached && cached.version === store.version) {
      return cached.ids.map((id) => records.get(id)).filter((r): r is T => !!r);
    }
    const list = [...records.values()];
    const dir = order === "asc" ? 1 : -1;
    const tieDir = tieAsc ? 1 : dir;
    list.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      if (ka < kb) return -dir;
      if (ka > kb) return dir;
      return (a.id - b.id) * tieDir;
    });
    sortCache.set(cacheKey, { version: store.version, ids: list.map((r) => r.id) });
    return list;
  }

  function paginate<T>(
    req: RestRequest,
    args: Record<string, ArgValue>,
    all: T[],
    render: (item: T) => unknown,
    restBase: string,
    hposTotals: boolean,
  ): RestResult {
    const perPage = args.per_page as number;
    const page = args.page as number;
    const offset = args.offset as number | undefined;
    const start = offset !== undefined ? offset : (page - 1) * perPage;
    const items = all.slice(start, start + perPage);
    let total = all.length;
    // HPOS (OrdersTableQuery) only counts when the page has rows: past the end it reports 0.
    if (hposTotals && items.length === 0) total = 0;
    const maxPages = Math.ceil(total / perPage);
    const headers: Record<string, string> = {
      "X-WP-Total": String(total),
      "X-WP-TotalPages": String(maxPages),
      Allow: "GET, POST",
    };
    // Link: the request's own query (oauth_* included, as WordPress's add_query_arg keeps them) plus page.
    const base = `${siteUrl}/wp-json/wc/v3/${restBase}`;
    const links: string[] = [];
    const linkTo = (target: number) => {
      const entries = req.query.map((e) => ({ ...e }));
      setQueryEntry(entries, "page", String(target));
      return `${base}?${buildPhpQuery(entries)}`;
    };
    if (page > 1) links.push(`<${linkTo(Math.min(page - 1, maxPages))}>; rel="prev"`);
    if (maxPages > page) links.push(`<${linkTo(page + 1)}>; rel="next"`);
    if (links.length) headers.Link = links.join(", ");
    return { status: 200, body: items.map(render), headers };
  }

  const paging: Record<string, ArgSpec> = {
    context: { type: "enum", values: ["view", "edit"], default: "view" },
    page: { type: "integer", minimum: 1, default: 1 },
    per_page: { type: "integer", minimum: 1, maximum: 100, default: 10 },
    offset: { type: "integer" },
    search: { type: "string" },
    include: { type: "string" },
    exclude: { type: "string" },
  };
  const dateArgs: Record<string, ArgSpec> = {
    after: { type: "date-time" },
    before: { type: "date-time" },
    modified_after: { type: "date-time" },
    modified_before: { type: "date-time" },
    dates_are_gmt: { type: "boolean", default: false },
  };

  function dateFilter<T>(
    args: Record<string, ArgValue>,
    created: (r: T) => number,
    modified: (r: T) => number,
  ) {
    const gmt = args.dates_are_gmt === true;
    const bound = (name: string) =>
      typeof args[name] === "string"
        ? dateFilterMs(args[name] as string, gmt, ctx.utcOffsetMinutes)
        : undefined;
    const after = bound("after");
    const before = bound("before");
    const modAfter = bound("modified_after");
    const modBefore = bound("modified_before");
    return (r: T) =>
      (after === undefined || created(r) > after) &&
      (before === undefined || created(r) < before) &&
      (modAfter === undefined || modified(r) > modAfter) &&
      (modBefore === undefined || modified(r) < modBefore);
  }

  function includeExclude<T extends { id: number }>(
    args: Record<string, ArgValue>,
    raw: Record<string, unknown>,
  ) {
    const include = new Set(idList(raw.include));
    const exclude = new Set(idList(raw.exclude));
    return (r: T) => (include.size === 0 || include.has(r.id)) && !exclude.has(r.id);
  }

  function listOrders(req: RestRequest): RestResult {
    const args = validateArgs(
      {
        ...paging,
        ...dateArgs,
        order: { type: "enum", values: ["asc", "desc"], default: "desc" },
        orderby: {
          type: "enum",
          values: ["date", "modified", "id", "include", "title", "slug"],
          default: "date",
        },
        parent: { type: "string" },
        status: { type: "enum-array", values: ["any", "trash", ...ORDER_STATUSES], default: ["any"] },
        customer: { type: "integer" },
        product: { type: "integer" },
        dp: { type: "integer", default: 2 },
      },
      req.params,
    );
    const statuses = args.status as string[];
    const anyStatus = statuses.includes("any");
    const search = typeof args.search === "string" ? args.search.toLowerCase() : "";
    const inDates = dateFilter<import("./model").OrderRecord>(
      args,
      (o) => o.createdMs,
      (o) => o.modifiedMs,
    );
    const ids = includeExclude(args, req.params);
    const orderby = args.orderby as string;
    const list = sorted("orders", store.orders, orderby, args.order as "asc" | "desc", (o) =>
      orderby === "modified" ? o.modifiedMs : orderby === "date" ? o.createdMs : o.id,
    ).filter(
      (o) =>
        (anyStatus ? o.status !== "trash" && o.status !== "checkout-draft" : statuses.includes(o.status)) &&
        (args.customer === undefined || o.customerId === args.customer) &&
        (args.product === undefined || o.lineItems.some((li) => li.productId === args.product)) &&
        inDates(o) &&
        ids(o) &&
        (!search ||
          String(o.id) === search ||
          (o.billing.email ?? "").toLowerCase().includes(search) ||
          `${o.billing.first_name} ${o.billing.last_name}`.toLowerCase().includes(search) ||
          o.lineItems.some((li) => li.name.toLowerCase().includes(search))),
    );
    // The real orders controller writes these normalised defaults back into the request, so Link repeats them.
    setQueryEntry(req.query, "status", statuses);
    setQueryEntry(req.query, "dp", String(args.dp));
    setQueryEntry(req.query, "context", String(args.context));
    return paginate(req, args, list, (o) => renderOrder(o, ctx), "orders", true);
  }

  function listProducts(req: RestRequest): RestResult {
    const args = validateArgs(
      {
        ...paging,
        ...dateArgs,
        order: { type: "enum", values: ["asc", "desc"], default: "desc" },
        orderby: {
          type: "enum",
          values: [
            "date",
            "modified",
            "id",
            "include",
            "title",
            "slug",
            "price",
            "popularity",
            "rating",
            "menu_order",
          ],
          default: "date",
        },
        status: {
          type: "enum",
          values: ["any", "future", "trash", "draft", "pending", "private", "publish"],
          default: "any",
        },
        type: { type: "enum", values: ["simple", "grouped", "external", "variable"] },
        sku: { type: "string" },
        featured: { type: "boolean" },
        stock_status: { type: "enum", values: ["instock", "outofstock", "onbackorder"] },
      },
      req.params,
    );
    const orderby = args.orderby as string;
    const status = args.status as string;
    const search = typeof args.search === "string" ? args.search.toLowerCase() : "";
    const inDates = dateFilter<import("./model").ProductRecord>(
      args,
      (p) => p.createdMs,
      (p) => p.modifiedMs,
    );
    const ids = includeExclude(args, req.params);
    const skus = typeof args.sku === "string" ? new Set(args.sku.split(",")) : null;
    const list = sorted("products", store.products, orderby, args.order as "asc" | "desc", (p) => {
      switch (orderby) {
        case "modified":
          return p.modifiedMs;
        case "date":
          return p.createdMs;
        case "title":
          return p.name.toLowerCase();
        case "slug":
          return p.slug;
        case "price":
          return p.salePriceCents ?? p.regularPriceCents ?? 0;
        case "popularity":
          return p.totalSales;
        default:
          return p.id;
      }
    }).filter(
      (p) =>
        (status === "any" ? p.status !== "trash" : p.status === status) &&
        (args.type === undefined || p.type === args.type) &&
        (!skus || skus.has(p.sku)) &&
        (args.featured === undefined || p.featured === args.featured) &&
        inDates(p) &&
        ids(p) &&
        (!search || p.name.toLowerCase().includes(search)),
    );
    return paginate(req, args, list, (p) => renderProduct(p, ctx), "products", false);
  }

  function listCustomers(req: RestRequest): RestResult {
    // No date filters here: /customers silently ignores modified_after & co., as the real API does.
    const args = validateArgs(
      {
        ...paging,
        order: { type: "enum", values: ["asc", "desc"], default: "asc" },
        orderby: { type: "enum", values: ["id", "include", "name", "registered_date"], default: "name" },
        email: { type: "string" },
        role: {
          type: "enum",
          values: [
            "all",
            "administrator",
            "editor",
            "author",
            "contributor",
            "subscriber",
            "customer",
            "shop_manager",
          ],
          default: "customer",
        },
      },
      req.params,
    );
    const orderby = args.orderby as string;
    const search = typeof args.search === "string" ? args.search.toLowerCase().replace(/^\*|\*$/g, "") : "";
    const email = typeof args.email === "string" ? args.email.toLowerCase() : "";
    const ids = includeExclude(args, req.params);
    const role = args.role as string;
    const list = sorted("customers", store.customers, orderby, args.order as "asc" | "desc", (c) =>
      orderby === "name" ? c.username : orderby === "registered_date" ? c.createdMs : c.id,
    ).filter(
      (c) =>
        (role === "all" || c.role === role) &&
        (!email || c.email.toLowerCase() === email) &&
        ids(c) &&
        (!search || c.email.toLowerCase().includes(search) || c.username.toLowerCase().includes(search)),
    );
    return paginate(req, args, list, (c) => renderCustomer(c, ctx), "customers", false);
  }

  function listWebhooks(req: RestRequest): RestResult {
    const args = validateArgs(
      {
        ...paging,
        ...dateArgs,
        order: { type: "enum", values: ["asc", "desc"], default: "desc" },
        orderby: {
          type: "enum",
          values: ["date", "id", "include", "title", "slug", "modified"],
          default: "date",
        },
        status: { type: "enum", values: ["all", "active", "paused", "disabled"], default: "all" },
      },
      req.params,
    );
    const orderby = args.orderby as string;
    const inDates = dateFilter<import("./model").WebhookRecord>(
      args,
      (w) => w.createdMs,
      (w) => w.modifiedMs,
    );
    const ids = includeExclude(args, req.params);
    // Observed: newest first, webhooks created in the same second in ascending id order.
    const list = sorted(
      "webhooks",
      store.webhooks,
      orderby,
      args.order as "asc" | "desc",
      (w) =>
        orderby === "date"
          ? w.createdMs - (w.createdMs % 1000)
          : orderby === "modified"
            ? w.modifiedMs
            : orderby === "title"
              ? w.name
              : w.id,
      true,
    ).filter((w) => (args.status === "all" || w.status === args.status) && inDates(w) && ids(w));
    return paginate(req, args, list, (w) => renderWebhook(w, ctx), "webhooks", false);
  }

  function listVariations(req: RestRequest, productId: number): RestResult {
    const product = mustGet(
      store.products,
      productId,
      404,
      "woocommerce_rest_product_invalid_id",
      "Invalid ID.",
    );
    const args = validateArgs(
      {
        ...paging,
        ...dateArgs,
        order: { type: "enum", values: ["asc", "desc"], default: "desc" },
        orderby: {
          type: "enum",
          values: ["date", "modified", "id", "include", "title", "slug", "menu_order"],
          default: "date",
        },
      },
      req.params,
    );
    const dir = args.order === "asc" ? 1 : -1;
    const inDates = dateFilter<import("./model").VariationRecord>(
      args,
      (v) => v.createdMs,
      (v) => v.modifiedMs,
    );
    const list = product.variationIds
      .map((id) => store.variations.get(id))
      .filter((v): v is import("./model").VariationRecord => !!v && v.status !== "trash" && inDates(v))
      .sort((a, b) =>
        args.orderby === "menu_order"
          ? (a.menuOrder - b.menuOrder) * dir
          : (a.createdMs - b.createdMs || a.id - b.id) * dir,
      );
    return paginate(
      req,
      args,
      list,
      (v) => renderVariation(v, ctx),
      `products/${productId}/variations`,
      false,
    );
  }

  // ---- REST routing -----------------------------------------------------------------------------------------

  const PERMISSION: Record<string, [string, string]> = {
    list: ["woocommerce_rest_cannot_view", "Sorry, you cannot list resources."],
    view: ["woocommerce_rest_cannot_view", "Sorry, you cannot view this resource."],
    create: ["woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources."],
    edit: ["woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."],
    delete: ["woocommerce_rest_cannot_delete", "Sorry, you are not allowed to delete this resource."],
  };

  function requireUser(req: RestRequest, action: keyof typeof PERMISSION): void {
    if (req.key) return;
    const [code, message] = PERMISSION[action];
    throw new RestError(401, code, message);
  }

  const NOT_FOUND: Record<Resource, [string, string]> = {
    customers: ["woocommerce_rest_invalid_id", "Invalid resource ID."],
    orders: ["woocommerce_rest_shop_order_invalid_id", "Invalid ID."],
    products: ["woocommerce_rest_product_invalid_id", "Invalid ID."],
    webhooks: ["woocommerce_rest_webhook_invalid_id", "Invalid ID."],
  };

  function renderOne(resource: Resource, id: number): unknown {
    const [code, message] = NOT_FOUND[resource];
    switch (resource) {
      case "customers":
        return renderCustomer(mustGet(store.customers, id, 404, code, message), ctx);
      case "orders":
        return renderOrder(mustGet(store.orders, id, 404, code, message), ctx);
      case "products":
        return renderProduct(mustGet(store.products, id, 404, code, message), ctx);
      case "webhooks":
        return renderWebhook(mustGet(store.webhooks, id, 404, code, message), ctx);
    }
  }

  const itemAllow = { Allow: "GET, POST, PUT, PATCH, DELETE" };
  const noRoute = () =>
    new RestError(404, "rest_no_route", "No route was found matching the URL and request method.");
  const isForce = (value: unknown) => value === true || value === "true" || value === "1" || value === 1;

  async function createResource(
    resource: Resource,
    params: Record<string, unknown>,
    userId: number,
  ): Promise<RestResult> {
    let body: unknown;
    let id: number;
    switch (resource) {
      case "customers":
        id = store.createCustomer(params).id;
        break;
      case "orders":
        id = store.createOrder(params).id;
        break;
      case "products":
        id = store.createProduct(params).id;
        break;
      case "webhooks": {
        const webhook = store.createWebhook(params, userId);
        id = webhook.id;
        body = renderWebhook(webhook, ctx);
        // The real controller pings before answering, so the 201 waits for the ping.
        await deliveries.ping(webhook);
        break;
      }
    }
    return {
      status: 201,
      body: body ?? renderOne(resource, id),
      headers: { Location: `${siteUrl}/wp-json/wc/v3/${resource}/${id}` },
    };
  }

  function updateResource(resource: Resource, id: number, params: Record<string, unknown>): RestResult {
    switch (resource) {
      case "customers":
        store.updateCustomer(id, params);
        break;
      case "orders":
        store.updateOrder(id, params);
        break;
      case "products":
        store.updateProduct(id, params);
        break;
      case "webhooks":
        store.updateWebhook(id, params);
        break;
    }
    return { status: 200, body: renderOne(resource, id), headers: itemAllow };
  }

  function deleteResource(resource: Resource, id: number, force: boolean): RestResult {
    const [code, message] = NOT_FOUND[resource];
    switch (resource) {
      case "customers": {
        const before = renderCustomer(mustGet(store.customers, id, 404, code, message), ctx);
        if (!force)
          throw new RestError(501, "woocommerce_rest_not_implemented", "Customers do not support trashing.");
        store.deleteCustomer(id);
        return { status: 200, body: before };
      }
      case "webhooks": {
        const before = renderWebhook(mustGet(store.webhooks, id, 404, code, message), ctx);
        if (!force)
          throw new RestError(
            501,
            "woocommerce_rest_trash_not_supported",
            "Webhooks do not support trashing.",
          );
        store.deleteWebhook(id);
        return { status: 200, body: before };
      }
      case "orders": {
        const before = renderOrder(mustGet(store.orders, id, 404, code, message), ctx);
        const order = store.deleteOrder(id, force);
        return { status: 200, body: force ? before : renderOrder(order, ctx) };
      }
      case "products": {
        const before = renderProduct(mustGet(store.products, id, 404, code, message), ctx);
        const product = store.deleteProduct(id, force);
        return { status: 200, body: force ? before : renderProduct(product, ctx) };
      }
    }
  }

  async function dispatch(req: RestRequest): Promise<RestResult> {
    const { method, route } = req;
    const isRead = method === "GET" || method === "HEAD";
    const isUpdate = method === "PUT" || method === "PATCH" || method === "POST";
    let m: RegExpExecArray | null;

    if (route === "/system_status" && isRead) {
      requireUser(req, "list");
      return { status: 200, body: systemStatus(), headers: { Allow: "GET" } };
    }
    if ((m = /^\/(customers|orders|products|webhooks)$/.exec(route))) {
      const resource = m[1] as Resource;
      if (isRead) {
        // WordPress validates arguments before the permission callback runs.
        const lister = {
          customers: listCustomers,
          orders: listOrders,
          products: listProducts,
          webhooks: listWebhooks,
        }[resource];
        const validateOnly = () => lister({ ...req, query: [...req.query] });
        if (!req.key) {
          validateOnly();
          requireUser(req, "list");
        }
        return lister(req);
      }
      if (method === "POST") {
        requireUser(req, "create");
        return createResource(resource, req.params, req.key!.userId);
      }
      throw noRoute();
    }
    if ((m = /^\/(customers|orders|products|webhooks)\/(\d+)$/.exec(route))) {
      const resource = m[1] as Resource;
      const id = Number(m[2]);
      if (isRead) {
        requireUser(req, "view");
        return { status: 200, body: renderOne(resource, id), headers: itemAllow };
      }
      if (isUpdate) {
        requireUser(req, "edit");
        return updateResource(resource, id, req.params);
      }
      if (method === "DELETE") {
        requireUser(req, "delete");
        return deleteResource(resource, id, isForce(req.params.force));
      }
      throw noRoute();
    }
    if ((m = /^\/products\/(\d+)\/variations$/.exec(route))) {
      const productId = Number(m[1]);
      if (isRead) {
        requireUser(req, "list");
        return listVariations(req, productId);
      }
      if (method === "POST") {
        requireUser(req, "create");
        const variation = store.createVariation(productId, req.params);
        return { status: 201, body: renderVariation(variation, ctx) };
      }
      throw noRoute();
    }
    if ((m = /^\/products\/(\d+)\/variations\/(\d+)$/.exec(route))) {
      const productId = Number(m[1]);
      const id = Number(m[2]);
      const find = () => {
        const v = store.variations.get(id);
        if (!v || v.parentId !== productId) {
          throw new RestError(404, "woocommerce_rest_product_variation_invalid_id", "Invalid ID.");
        }
        return v;
      };
      if (isRead) {
        requireUser(req, "view");
        return { status: 200, body: renderVariation(find(), ctx), headers: itemAllow };
      }
      if (isUpdate) {
        requireUser(req, "edit");
        return { status: 200, body: renderVariation(store.updateVariation(productId, id, req.params), ctx) };
      }
      if (method === "DELETE") {
        requireUser(req, "delete");
        const before = renderVariation(find(), ctx);
        if (!isForce(req.params.force)) {
          throw new RestError(
            501,
            "woocommerce_rest_trash_not_supported",
            "The product_variation does not support trashing.",
          );
        }
        store.deleteVariation(productId, id);
        return { status: 200, body: before };
      }
      throw noRoute();
    }
    if ((m = /^\/orders\/(\d+)\/refunds(?:\/(\d+))?$/.exec(route))) {
      const order = mustGet(
        store.orders,
        Number(m[1]),
        404,
        "woocommerce_rest_invalid_order_id",
        "Invalid order ID.",
      );
      if (isRead && !m[2]) {
        requireUser(req, "list");
        const args = validateArgs({ ...paging }, req.params);
        return paginate(
          req,
          args,
          order.refunds,
          (r) => renderRefund(order, r, ctx),
          `orders/${order.id}/refunds`,
          false,
        );
      }
      if (isRead && m[2]) {
        requireUser(req, "view");
        const refund = order.refunds.find((r) => r.id === Number(m![2]));
        if (!refund) throw new RestError(404, "woocommerce_rest_shop_order_refund_invalid_id", "Invalid ID.");
        return { status: 200, body: renderRefund(order, refund, ctx) };
      }
      if (method === "POST" && !m[2]) {
        requireUser(req, "create");
        const updated = store.refundOrder(order.id, req.params);
        return { status: 201, body: renderRefund(updated, updated.refunds[0], ctx) };
      }
      throw noRoute();
    }
    throw noRoute();
  }

  function systemStatus(): Record<string, unknown> {
    const env = {
      ...environment.environment,
      home_url: siteUrl,
      site_url: siteUrl,
      version: WC_VERSION,
      wp_version: WP_VERSION,
      server_info: "WooCommerce emulator (Node.js)",
    };
    return {
      environment: env,
      database: { wc_database_version: WC_VERSION, database_prefix: "wp_", database_tables: {} },
      active_plugins: [
        {
          plugin: "woocommerce/woocommerce.php",
          name: "WooCommerce",
          version: WC_VERSION,
          version_latest: WC_VERSION,
          url: "https://woocommerce.com/",
          author_name: "Automattic",
          author_url: "https://woocommerce.com",
          network_activated: false,
        },
      ],
      inactive_plugins: [],
      dropins_mu_plugins: { dropins: [], mu_plugins: [] },
      theme: { name: "Twenty Twenty-Five", version: "1.3", is_block_theme: true },
      settings: { ...environment.settings, force_ssl: useTls },
      security: { secure_connection: useTls, hide_errors: false },
      pages: [],
      post_type_counts: [
        { type: "product", count: String(store.products.size) },
        { type: "product_variation", count: String(store.variations.size) },
      ],
      logging: {
        logging_enabled: true,
        default_handler: "Automattic\\WooCommerce\\Internal\\Admin\\Logging\\LogHandlerFileV2",
      },
    };
  }

  // ---- HTTP plumbing ----------------------------------------------------------------------------------------

  function sendRest(res: http.ServerResponse, result: RestResult, head: boolean): void {
    const headers: Record<string, string> = { ...JSON_HEADERS, ...result.headers };
    if (!headers.Link) headers.Link = `<${siteUrl}/wp-json/>; rel="https://api.w.org/"`;
    const body = phpJsonEncode(result.body);
    if (head) {
      res.writeHead(result.status, { ...headers, "Content-Length": String(Buffer.byteLength(body)) });
      res.end();
      return;
    }
    sendText(res, result.status, body, headers);
  }

  function parseBody(raw: string, contentType: string): Record<string, unknown> {
    if (!raw) return {};
    if (contentType.includes("application/json")) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        throw new RestError(400, "rest_invalid_json", "Invalid JSON body passed.", {
          json_error_code: 4,
          json_error_message: "Syntax error",
        });
      }
      return parsed && typeof parsed === "object" && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : {};
    }
    if (contentType.includes("application/x-www-form-urlencoded")) {
      return Object.fromEntries(parsePhpQuery(raw).map((e) => [e.key, e.value]));
    }
    return {};
  }

  /** Takes the first matching fault, counting it down; returns it when it applies to this request. */
  function takeFault(path: string): Fault | null {
    for (const fault of faults) {
      if (fault.type === "not-woocommerce") return fault;
      if (fault.pathPrefix && !path.startsWith(fault.pathPrefix)) continue;
      if (!fault.persistent) fault.remaining--;
      faults = faults.filter((f) => f.type === "not-woocommerce" || f.persistent || f.remaining > 0);
      return fault;
    }
    return null;
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://emulator.invalid");
    const path = url.pathname;
    const wireMethod = (req.method ?? "GET").toUpperCase();
    let method = wireMethod;
    // WordPress honours method overrides on POST (`_method` or X-HTTP-Method-Override), e.g. for DELETE via proxies.
    const override = url.searchParams.get("_method") ?? req.headers["x-http-method-override"];
    if (wireMethod === "POST" && typeof override === "string" && override) method = override.toUpperCase();

    if (path.startsWith("/_emulator/") || path === "/_emulator") {
      await handleControl(req, res, url, method);
      return;
    }

    const restRoute = url.searchParams.get("rest_route");
    const isRest =
      path.startsWith("/wp-json/") ||
      path === "/wp-json" ||
      (restRoute !== null && (path === "/" || path === "/index.php"));
    const isAuthFlow = path.startsWith("/wc-auth/v1/");
    const fault =
      isRest || isAuthFlow || path === "/"
        ? takeFault(isRest && restRoute ? `/wp-json${restRoute}` : path)
        : null;
    if (fault) {
      const done = await applyFault(fault, req, res);
      if (done) return;
    }
    if (isAuthFlow) {
      await handleWcAuth(res, url, method);
      return;
    }
    if (!isRest) {
      sendHtml(res, 200, storefrontHtml());
      return;
    }

    const rawBody = wireMethod === "GET" || wireMethod === "HEAD" ? "" : await readBody(req);
    const contentType = String(req.headers["content-type"] ?? "");
    const forwardedProto = String(req.headers["x-forwarded-proto"] ?? "")
      .split(",")[0]
      .trim()
      .toLowerCase();
    const isHttps = useTls || forwardedProto === "https";
    const rawQuery = url.search.slice(1);
    // Only /wp-json/wc/... requests are authenticated (WC_REST_Authentication::is_request_to_rest_api).
    const restPath =
      restRoute !== null && !path.startsWith("/wp-json/") ? restRoute : path.slice("/wp-json".length);
    let key: ApiKeyRecord | null = null;
    try {
      if (path.startsWith("/wp-json/wc/")) {
        const outcome = authenticate(
          {
            method,
            wireMethod,
            path,
            rawQuery,
            rawFormBody: contentType.includes("application/x-www-form-urlencoded") ? rawBody : "",
            authorization: req.headers.authorization,
            https: isHttps,
            siteUrl,
            nowMs: clock.now(),
          },
          store.keys,
        );
        if ("error" in outcome) throw outcome.error;
        key = outcome.key;
      }
      if (!restPath.startsWith("/wc/v3/") && restPath !== "/wc/v3") throw noRoute();
      const query = parsePhpQuery(rawQuery).filter((e) => e.key !== "rest_route");
      const params: Record<string, unknown> = Object.fromEntries(query.map((e) => [e.key, e.value]));
      Object.assign(params, parseBody(rawBody, contentType));
      const result = await dispatch({ method, route: restPath.slice("/wc/v3".length), query, params, key });
      sendRest(res, result, method === "HEAD");
    } catch (error) {
      if (error instanceof RestError) {
        sendRest(res, { status: error.status, body: error.body() }, method === "HEAD");
        return;
      }
      throw error;
    }
  }

  /** Returns true when the fault answered (or swallowed) the request. */
  async function applyFault(
    fault: Fault,
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<boolean> {
    switch (fault.type) {
      case "not-woocommerce":
        sendHtml(res, fault.status ?? 200, plainSiteHtml());
        return true;
      case "slow":
        await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
        return false;
      case "timeout":
        // Never answer; the socket is released when the client gives up or the emulator closes.
        return true;
      case "error": {
        const headers: Record<string, string> = {};
        if (fault.retryAfterSeconds !== undefined) headers["Retry-After"] = String(fault.retryAfterSeconds);
        if (fault.status === 500) {
          sendRest(
            res,
            {
              status: 500,
              body: {
                code: "internal_server_error",
                message:
                  '<p>There has been a critical error on this website.</p><p><a href="https://wordpress.org/documentation/article/faq-troubleshooting/">Learn more about troubleshooting WordPress.</a></p>',
                data: { status: 500 },
                additional_errors: [],
              },
              headers,
            },
            false,
          );
        } else {
          const title = `${fault.status} ${http.STATUS_CODES[fault.status] ?? "Error"}`;
          sendHtml(
            res,
            fault.status,
            `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
            headers,
          );
        }
        return true;
      }
    }
  }

  function storefrontHtml(): string {
    const name = escapeHtml(options.siteName ?? "Commerce Sync Emulator Store");
    return `<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<meta charset="UTF-8">\n<title>${name}</title>\n<link rel="https://api.w.org/" href="${siteUrl}/wp-json/">\n<meta name="generator" content="WordPress ${WP_VERSION}">\n<meta name="generator" content="WooCommerce ${WC_VERSION}">\n</head>\n<body class="home woocommerce-js">\n<h1>${name}</h1>\n</body>\n</html>\n`;
  }

  function plainSiteHtml(): string {
    return `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Welcome</title>\n</head>\n<body>\n<h1>It works!</h1>\n<p>This is a plain static website.</p>\n</body>\n</html>\n`;
  }

  // ---- Key approval flow (/wc-auth/v1/) ---------------------------------------------------------------------

  function authDie(res: http.ServerResponse, status: number, message: string): void {
    sendHtml(
      res,
      status,
      `<!DOCTYPE html>\n<html lang="en-US">\n<head><meta charset="UTF-8"><title>Access denied</title></head>\n<body id="error-page"><div class="wp-die-message">Error: ${escapeHtml(message)}.</div></body>\n</html>\n`,
    );
  }

  function withQuery(target: string, extra: Record<string, string>): string {
    const parsed = new URL(target);
    for (const [name, value] of Object.entries(extra)) parsed.searchParams.set(name, value);
    return parsed.toString();
  }

  async function handleWcAuth(res: http.ServerResponse, url: URL, method: string): Promise<void> {
    const endpoint = url.pathname.replace(/^\/wc-auth\/v1\//, "").replace(/\/$/, "");
    if (method !== "GET" || (endpoint !== "authorize" && endpoint !== "access_granted")) {
      authDie(res, 404, "Invalid endpoint");
      return;
    }
    const p = (name: string) => url.searchParams.get(name) ?? "";
    for (const name of ["app_name", "user_id", "return_url", "callback_url", "scope"]) {
      if (!p(name)) {
        authDie(res, 400, `Missing parameter ${name}`);
        return;
      }
    }
    if (!["read", "write", "read_write"].includes(p("scope"))) {
      authDie(res, 400, `Invalid scope ${p("scope")}`);
      return;
    }
    for (const name of ["return_url", "callback_url"]) {
      try {
        new URL(p(name));
      } catch {
        authDie(res, 400, `The ${name} is not a valid URL`);
        return;
      }
    }
    if (!/^https:\/\//i.test(p("callback_url")) && !options.allowHttpAuthCallback) {
      authDie(res, 400, "The callback_url needs to be over SSL");
      return;
    }
    const denyUrl = withQuery(p("return_url"), { success: "0", user_id: p("user_id") });
    if (endpoint === "authorize") {
      if (wcAuthMode === "deny") {
        redirect(res, denyUrl);
        return;
      }
      if (wcAuthMode === "prompt") {
        const grant = new URL(`${siteUrl}/wc-auth/v1/access_granted`);
        for (const [name, value] of url.searchParams) grant.searchParams.set(name, value);
        grant.searchParams.set("wc_auth_nonce", authNonce);
        const scopeText = { read: "View", write: "Create", read_write: "View and manage" }[p("scope")];
        sendHtml(
          res,
          200,
          `<!DOCTYPE html>\n<html lang="en-US">\n<head><meta charset="UTF-8"><title>Application authentication request</title></head>\n<body class="wc-auth">\n<h1>${escapeHtml(p("app_name"))} would like to connect to your store</h1>\n<p>This will give "${escapeHtml(p("app_name"))}" <strong>${escapeHtml(p("scope"))}</strong> access which will allow it to:</p>\n<ul class="wc-auth-permissions"><li>${scopeText} coupons</li><li>${scopeText} customers</li><li>${scopeText} orders</li><li>${scopeText} products</li><li>${scopeText} reports</li></ul>\n<p class="wc-auth-actions"><a href="${escapeHtml(grant.toString())}" class="button button-primary wc-auth-approve">Approve</a> <a href="${escapeHtml(denyUrl)}" class="button wc-auth-deny">Deny</a></p>\n</body>\n</html>\n`,
        );
        return;
      }
    } else if (p("wc_auth_nonce") !== authNonce) {
      authDie(res, 403, "Invalid nonce");
      return;
    }
    // Approved: create the key, hand it to the callback, keep it only if the callback answered exactly 200.
    const key = store.createKey(
      p("scope") as KeyPermissions,
      `${p("app_name")} - API (${wpDate(clock.now(), ctx.utcOffsetMinutes)?.replace("T", " ")})`,
    );
    const consumerData = {
      key_id: key.keyId,
      user_id: p("user_id"),
      consumer_key: key.consumerKey,
      consumer_secret: key.consumerSecret,
      key_permissions: key.permissions,
    };
    const result = await post(
      p("callback_url"),
      {
        "content-type": "application/json;charset=UTF-8",
        "user-agent": `WordPress/${WP_VERSION}; ${siteUrl}`,
      },
      phpJsonEncode(consumerData),
      60_000,
    );
    if (result.status !== 200) {
      store.deleteKeyById(key.keyId);
      const reason =
        result.error ??
        "An error occurred in the request and at the time were unable to send the consumer data";
      authDie(res, 401, reason);
      return;
    }
    redirect(res, withQuery(p("return_url"), { success: "1", user_id: p("user_id") }));
  }
  const authNonce = randomBytes(5).toString("hex");

  // ---- Control API (/_emulator/) ----------------------------------------------------------------------------

  async function handleControl(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    method: string,
  ): Promise<void> {
    const route = url.pathname.replace(/^\/_emulator/, "").replace(/\/$/, "") || "/";
    let body: Record<string, unknown> = {};
    if (method !== "GET" && method !== "HEAD") {
      try {
        body = await readJsonObject(req);
      } catch (error) {
        sendJson(res, 400, { error: error instanceof Error ? error.message : String(error) });
        return;
      }
    }
    const query = Object.fromEntries(url.searchParams);
    try {
      const result = await control(method, route, body, query);
      if (result === undefined)
        sendJson(res, 404, { error: `No control route ${method} /_emulator${route}` });
      else sendJson(res, result.status, result.body);
    } catch (error) {
      if (error instanceof RestError) sendJson(res, error.status, error.body());
      else if (error instanceof ControlError) sendJson(res, 400, { error: error.message });
      else throw error;
    }
  }

  async function control(
    method: string,
    route: string,
    body: Record<string, unknown>,
    query: Record<string, string>,
  ): Promise<{ status: number; body: unknown } | undefined> {
    let m: RegExpExecArray | null;
    if (route === "/health" && method === "GET") {
      return {
        status: 200,
        body: {
          status: "ok",
          platform: "woocommerce",
          woocommerce_version: WC_VERSION,
          wordpress_version: WP_VERSION,
          url: siteUrl,
          seed,
          counts: {
            customers: store.customers.size,
            orders: store.orders.size,
            products: store.products.size,
            variations: store.variations.size,
          },
          now: new Date(clock.now()).toISOString(),
        },
      };
    }
    if (route === "/keys" && method === "POST") {
      const permissions = String(body.permissions ?? "read_write");
      if (!["read", "write", "read_write"].includes(permissions))
        throw new ControlError('permissions must be "read", "write" or "read_write"');
      const key = store.createKey(permissions as KeyPermissions, String(body.description ?? "Emulator key"));
      return {
        status: 201,
        body: {
          key_id: key.keyId,
          consumer_key: key.consumerKey,
          consumer_secret: key.consumerSecret,
          permissions,
        },
      };
    }
    if (route === "/keys" && method === "GET") {
      return {
        status: 200,
        body: [...store.keys.values()].map((k) => ({
          key_id: k.keyId,
          description: k.description,
          permissions: k.permissions,
          truncated_key: k.consumerKey.slice(-7),
          last_access: k.lastAccessMs === null ? null : new Date(k.lastAccessMs).toISOString(),
        })),
      };
    }
    if ((m = /^\/keys\/([^/]+)$/.exec(route)) && method === "DELETE") {
      const ident = decodeURIComponent(m[1]);
      const removed = /^\d+$/.test(ident) ? store.deleteKeyById(Number(ident)) : store.keys.delete(ident);
      return removed
        ? { status: 200, body: { revoked: true } }
        : { status: 404, body: { error: "No such key." } };
    }
    if (route === "/deliveries" && method === "GET") {
      const webhookId = query.webhook_id ? Number(query.webhook_id) : null;
      return {
        status: 200,
        body: deliveries.log.filter((d) => webhookId === null || d.webhook_id === webhookId),
      };
    }
    if (route === "/deliveries" && method === "DELETE") {
      deliveries.log = [];
      return { status: 200, body: { cleared: true } };
    }
    if (route === "/deliveries/pending" && method === "GET") {
      return {
        status: 200,
        body: deliveries.pending.map((p) => ({
          webhook_id: p.webhookId,
          topic: p.topic,
          resource_id: p.resourceId,
          enqueued_at: new Date(p.enqueuedMs).toISOString(),
          due_at: new Date(p.dueMs).toISOString(),
        })),
      };
    }
    if (route === "/deliveries/flush" && method === "POST") {
      return { status: 200, body: { sent: await deliveries.flush() } };
    }
    if (route === "/deliveries/run-due" && method === "POST") {
      return { status: 200, body: { sent: await deliveries.runDue() } };
    }
    if (route === "/webhooks" && method === "GET") {
      return {
        status: 200,
        body: [...store.webhooks.values()].map((w) => ({
          ...renderWebhook(w, ctx),
          failure_count: w.failureCount,
        })),
      };
    }
    if (route === "/faults" && method === "GET") return { status: 200, body: faults };
    if (route === "/faults" && method === "POST") {
      addFault(parseFault(body));
      return { status: 201, body: faults };
    }
    if (route === "/faults" && method === "DELETE") {
      faults = [];
      return { status: 200, body: faults };
    }
    if (route === "/reset" && method === "POST") {
      seed = body.seed === undefined ? seedValue : Number(body.seed);
      counts = {
        customers: body.customers === undefined ? counts.customers : Number(body.customers),
        orders: body.orders === undefined ? counts.orders : Number(body.orders),
        products: body.products === undefined ? counts.products : Number(body.products),
      };
      store.clear();
      deliveries.clear();
      faults = [];
      sortCache.clear();
      store.seed(seed, counts);
      return { status: 200, body: { seed, counts } };
    }
    if (route === "/clock" && method === "GET")
      return { status: 200, body: { now: new Date(clock.now()).toISOString(), offset_ms: clockOffsetMs } };
    if (route === "/clock" && method === "POST") {
      const advanceMs = Number(body.advanceMs ?? body.advance_ms ?? 0);
      if (!Number.isFinite(advanceMs)) throw new ControlError("advanceMs must be a number");
      clockOffsetMs += advanceMs;
      return { status: 200, body: { now: new Date(clock.now()).toISOString(), offset_ms: clockOffsetMs } };
    }
    if (route === "/wc-auth" && method === "POST") {
      const mode = String(body.mode);
      if (!["prompt", "approve", "deny"].includes(mode))
        throw new ControlError('mode must be "prompt", "approve" or "deny"');
      wcAuthMode = mode as WcAuthMode;
      return { status: 200, body: { mode } };
    }
    // Record mutations: same code paths as the REST API, so hooks and webhooks fire identically.
    if ((m = /^\/(customers|orders|products)$/.exec(route)) && method === "POST") {
      return createResource(m[1] as Resource, body, 1);
    }
    if ((m = /^\/(customers|orders|products)\/(\d+)$/.exec(route))) {
      const resource = m[1] as Resource;
      const id = Number(m[2]);
      if (method === "GET") return { status: 200, body: renderOne(resource, id) };
      if (method === "PUT" || method === "PATCH" || method === "POST")
        return updateResource(resource, id, body);
      if (method === "DELETE") return deleteResource(resource, id, isForce(query.force ?? body.force));
    }
    if ((m = /^\/orders\/(\d+)\/restore$/.exec(route)) && method === "POST") {
      return { status: 200, body: renderOrder(store.restoreOrder(Number(m[1])), ctx) };
    }
    if ((m = /^\/orders\/(\d+)\/refunds$/.exec(route)) && method === "POST") {
      const order = store.refundOrder(Number(m[1]), body);
      return { status: 201, body: renderOrder(order, ctx) };
    }
    if ((m = /^\/products\/(\d+)\/variations$/.exec(route)) && method === "POST") {
      return { status: 201, body: renderVariation(store.createVariation(Number(m[1]), body), ctx) };
    }
    if (
      (m = /^\/products\/(\d+)\/variations\/(\d+)$/.exec(route)) &&
      (method === "PUT" || method === "PATCH")
    ) {
      return {
        status: 200,
        body: renderVariation(store.updateVariation(Number(m[1]), Number(m[2]), body), ctx),
      };
    }
    return undefined;
  }

  function addFault(fault: Fault): void {
    faults.push({ ...fault, remaining: "count" in fault && fault.count !== undefined ? fault.count : 1 });
  }

  // ---- Server -----------------------------------------------------------------------------------------------

  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      // An emulator bug must be visible to the test that hit it, not swallowed.
      sendJson(res, 500, { error: error instanceof Error ? error.stack : String(error) });
    });
  };
  let server: http.Server;
  if (useTls) {
    const material =
      typeof options.tls === "object"
        ? options.tls
        : {
            key: readFileSync(fileURLToPath(new URL("tls/localhost-key.pem", FIXTURES)), "utf8"),
            cert: readFileSync(fileURLToPath(new URL("tls/localhost-cert.pem", FIXTURES)), "utf8"),
          };
    server = https.createServer(material, listener);
  } else {
    server = http.createServer(listener);
  }
  const closeServer = closeWithSockets(server);
  const port = await listen(server, options.port ?? 0, options.host ?? "127.0.0.1");
  const url = `${useTls ? "https" : "http"}://127.0.0.1:${port}`;
  if (!siteUrl) siteUrl = url;
  if (options.autoDeliver !== false) deliveries.start();

  return {
    url,
    port,
    store,
    deliveries,
    createKey(permissions: KeyPermissions = "read_write") {
      const key = store.createKey(permissions);
      return { consumer_key: key.consumerKey, consumer_secret: key.consumerSecret, key_id: key.keyId };
    },
    flushDeliveries: () => deliveries.flush(),
    advanceClock(ms: number) {
      clockOffsetMs += ms;
    },
    now: () => clock.now(),
    addFault,
    clearFaults() {
      faults = [];
    },
    async close() {
      deliveries.stop();
      await closeServer();
    },
  };
}

class ControlError extends Error {}

function parseFault(body: Record<string, unknown>): Fault {
  const type = String(body.type);
  const count = body.count === undefined ? undefined : Number(body.count);
  const persistent = body.persistent === true;
  const pathPrefix = body.pathPrefix === undefined ? undefined : String(body.pathPrefix);
  switch (type) {
    case "error": {
      const status = Number(body.status);
      if (!Number.isInteger(status) || status < 400 || status > 599)
        throw new ControlError("error faults need a 4xx/5xx status");
      const retryAfterSeconds =
        body.retryAfterSeconds === undefined ? undefined : Number(body.retryAfterSeconds);
      return { type, status, count, persistent, retryAfterSeconds, pathPrefix };
    }
    case "slow":
      return { type, delayMs: Number(body.delayMs ?? 1000), count, persistent, pathPrefix };
    case "timeout":
      return { type, count, persistent, pathPrefix };
    case "not-woocommerce":
      return { type, status: body.status === undefined ? undefined : Number(body.status) };
    default:
      throw new ControlError('type must be "error", "slow", "timeout" or "not-woocommerce"');
  }
}

function mustGet<T>(map: Map<number, T>, id: number, status: number, code: string, message: string): T {
  const item = map.get(id);
  if (!item) throw new RestError(status, code, message);
  return item;
}
