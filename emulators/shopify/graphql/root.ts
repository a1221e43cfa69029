/** Root resolvers (QueryRoot and Mutation) over a shop. */
import { GraphQLError } from "graphql";
import type { EmuCustomer, EmuOrder, EmuProduct, EmuShop } from "../model";
import { parseGid } from "../model";
import { nextId, putRecord, variantIndex } from "../seed/store";
import { customerToRest, orderToRest, productToRest } from "../webhooks/rest-bodies";
import { paginate, type PageArgs } from "./connection";
import { accessDenied } from "./errors";
import { hasScope, orderVisible, type GqlContext } from "./context";
import { listRecords, type Resource } from "./records";
import {
  CustomerNode,
  OrderNode,
  ProductNode,
  ShopNode,
  VariantNode,
  WebhookSubscriptionNode,
} from "./objects";
import { bulkOperationView, bulkResolvers } from "./bulk-resolvers";
import { webhookResolvers } from "./webhook-resolvers";

type ListArgs = PageArgs & { query?: string | null; sortKey?: string | null };

function require(ctx: GqlContext, field: string, scope: string): void {
  if (!hasScope(ctx.access, scope)) throw accessDenied(field, scope);
}

function list(ctx: GqlContext, resource: Resource, args: ListArgs, field: string) {
  const shop = ctx.shop;
  const records = listRecords(shop, resource, {
    query: args.query,
    sortKey: args.sortKey,
    visible: resource === "orders" ? (o) => orderVisible(ctx, (o as EmuOrder).createdAt) : undefined,
  });
  if (records.warnings.length > 0)
    ctx.searchWarnings.push({ path: [field], query: args.query ?? "", warnings: records.warnings });
  return records;
}

const wrapFor = (shop: EmuShop, resource: Resource) =>
  resource === "customers"
    ? (r: unknown) => new CustomerNode(shop, r as EmuCustomer)
    : resource === "orders"
      ? (r: unknown) => new OrderNode(shop, r as EmuOrder)
      : (r: unknown) => new ProductNode(shop, r as EmuProduct);

const SCOPES: Record<Resource, string> = {
  customers: "read_customers",
  orders: "read_orders",
  products: "read_products",
};

/** Resolves any supported GID for node/nodes (null when unknown or not visible; ACCESS_DENIED without scope). */
function resolveNode(ctx: GqlContext, id: string, field: string): unknown {
  const parsed = parseGid(id);
  if (!parsed)
    throw new GraphQLError(`Invalid global id '${id}'`, {
      extensions: { code: "argumentLiteralsIncompatible" },
    });
  const shop = ctx.shop;
  switch (parsed.type) {
    case "Customer": {
      require(ctx, field, "read_customers");
      const c = shop.customers.get(parsed.id);
      return c ? new CustomerNode(shop, c) : null;
    }
    case "Order": {
      require(ctx, field, "read_orders");
      const o = shop.orders.get(parsed.id);
      return o && orderVisible(ctx, o.createdAt) ? new OrderNode(shop, o) : null;
    }
    case "Product": {
      require(ctx, field, "read_products");
      const p = shop.products.get(parsed.id);
      return p ? new ProductNode(shop, p) : null;
    }
    case "ProductVariant": {
      require(ctx, field, "read_products");
      const hit = variantIndex(shop).get(parsed.id);
      return hit ? new VariantNode(shop, hit.product, hit.variant) : null;
    }
    case "BulkOperation": {
      const op = ctx.bulk.get(shop, parsed.id);
      return op ? bulkOperationView(op) : null;
    }
    case "WebhookSubscription": {
      const s = shop.webhookSubscriptions.get(parsed.id);
      return s ? new WebhookSubscriptionNode(s) : null;
    }
    case "Shop":
      return parsed.id === shop.id ? new ShopNode(shop) : null;
    default:
      return null;
  }
}

function countOf(
  ctx: GqlContext,
  resource: Resource,
  args: { query?: string | null; limit?: number | null },
  field: string,
) {
  require(ctx, field, SCOPES[resource]);
  const n = list(ctx, resource, { query: args.query }, field).items.length;
  // Shopify caps counts at 10,000 by default (precision AT_LEAST); limit: null lifts the cap where supported.
  const limit = args.limit === undefined ? 10_000 : args.limit;
  if (limit !== null && n > limit) return { count: limit, precision: "AT_LEAST" };
  return { count: n, precision: "EXACT" };
}

const userError = (field: string[], message: string) => ({ field, message });

/** REST webhook topic (customers/create) from the GraphQL enum (CUSTOMERS_CREATE). */
export function restTopic(topic: string): string {
  const multiWord = [
    "BULK_OPERATIONS",
    "INVENTORY_LEVELS",
    "INVENTORY_ITEMS",
    "APP_SUBSCRIPTIONS",
    "PRODUCT_LISTINGS",
    "SELLING_PLAN_GROUPS",
    "FULFILLMENT_ORDERS",
    "ORDER_TRANSACTIONS",
    "DRAFT_ORDERS",
    "CUSTOMER_GROUPS",
    "SHOP",
  ];
  const lower = topic.toLowerCase();
  for (const prefix of multiWord) {
    if (topic.startsWith(`${prefix}_`)) return `${prefix.toLowerCase()}/${lower.slice(prefix.length + 1)}`;
  }
  const i = lower.indexOf("_");
  return i < 0 ? lower : `${lower.slice(0, i)}/${lower.slice(i + 1)}`;
}

function findCustomerByEmail(shop: EmuShop, email: string, exceptId?: bigint): EmuCustomer | undefined {
  const needle = email.toLowerCase();
  for (const c of shop.customers.values())
    if (c.email?.toLowerCase() === needle && c.id !== exceptId) return c;
  return undefined;
}

interface CustomerInput {
  id?: string;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  phone?: string | null;
  note?: string | null;
  tags?: string[] | null;
  emailMarketingConsent?: {
    marketingState: string;
    marketingOptInLevel?: string | null;
    consentUpdatedAt?: string | null;
  } | null;
}

interface ProductInputArgs {
  id?: string;
  title?: string | null;
  handle?: string | null;
  descriptionHtml?: string | null;
  vendor?: string | null;
  productType?: string | null;
  status?: EmuProduct["status"] | null;
  tags?: string[] | null;
}

/** The root value for both operations (graphql-js reads query and mutation fields from the same object). */
export function createRootValue(ctx: GqlContext) {
  const shop = ctx.shop;
  const emit = (topic: string, body: unknown) => ctx.emu.webhooks.emit({ shop: shop.domain, topic, body });
  const connection = (resource: Resource) => (args: ListArgs) => {
    require(ctx, resource, SCOPES[resource]);
    const records = list(ctx, resource, args, resource);
    return paginate(
      records.items as unknown[],
      records.keyOf as (item: unknown) => [number | bigint, bigint],
      args,
      wrapFor(shop, resource) as (item: unknown) => unknown,
    );
  };
  const single = (resource: Resource, type: string) => (args: { id: string }) => {
    const parsed = parseGid(args.id);
    require(ctx, resource.slice(0, -1), SCOPES[resource]);
    if (!parsed || parsed.type !== type) return null;
    return resolveNode(ctx, args.id, resource.slice(0, -1));
  };
  const applyConsent = (
    input: CustomerInput,
    previous: EmuCustomer["emailConsent"],
  ): EmuCustomer["emailConsent"] => {
    if (!input.emailMarketingConsent) return previous;
    const c = input.emailMarketingConsent;
    return {
      marketingState: c.marketingState as NonNullable<EmuCustomer["emailConsent"]>["marketingState"],
      marketingOptInLevel: (c.marketingOptInLevel ?? null) as NonNullable<
        EmuCustomer["emailConsent"]
      >["marketingOptInLevel"],
      marketingUpdatedAt: c.consentUpdatedAt ? new Date(c.consentUpdatedAt) : ctx.emu.now(),
    };
  };

  return {
    shop: () => new ShopNode(shop),
    customers: connection("customers"),
    orders: connection("orders"),
    products: connection("products"),
    customer: single("customers", "Customer"),
    order: single("orders", "Order"),
    product: single("products", "Product"),
    customersCount: (args: { query?: string | null; limit?: number | null }) =>
      countOf(ctx, "customers", args, "customersCount"),
    ordersCount: (args: { query?: string | null; limit?: number | null }) =>
      countOf(ctx, "orders", args, "ordersCount"),
    productsCount: (args: { query?: string | null; limit?: number | null }) =>
      countOf(ctx, "products", args, "productsCount"),
    node: (args: { id: string }) => resolveNode(ctx, args.id, "node"),
    nodes: (args: { ids: string[] }) => args.ids.map((id) => resolveNode(ctx, id, "nodes")),
    ...bulkResolvers(ctx),
    ...webhookResolvers(ctx),

    // Mutations
    customerCreate: (args: { input: CustomerInput }) => {
      require(ctx, "customerCreate", "write_customers");
      const input = args.input;
      if (!input.email && !input.phone && !input.firstName && !input.lastName) {
        return {
          customer: null,
          userErrors: [userError(["customer"], "Customer must have a name, phone number or email address")],
        };
      }
      if (input.email && findCustomerByEmail(shop, input.email)) {
        return { customer: null, userErrors: [userError(["email"], "Email has already been taken")] };
      }
      const now = ctx.emu.now();
      const customer: EmuCustomer = {
        id: nextId(shop),
        firstName: input.firstName ?? null,
        lastName: input.lastName ?? null,
        email: input.email ?? null,
        phone: input.phone ?? null,
        tags: input.tags ?? [],
        note: input.note ?? null,
        state: "DISABLED",
        verifiedEmail: Boolean(input.email),
        emailConsent: input.email
          ? (applyConsent(input, null) ?? {
              marketingState: "NOT_SUBSCRIBED",
              marketingOptInLevel: null,
              marketingUpdatedAt: null,
            })
          : null,
        defaultAddress: null,
        currency: shop.currencyCode,
        createdAt: now,
        updatedAt: now,
      };
      putRecord(shop.customers, customer);
      emit("customers/create", customerToRest(shop, customer));
      return { customer: new CustomerNode(shop, customer), userErrors: [] };
    },
    customerUpdate: (args: { input: CustomerInput }) => {
      require(ctx, "customerUpdate", "write_customers");
      const input = args.input;
      const parsed = input.id ? parseGid(input.id) : null;
      const existing = parsed ? shop.customers.get(parsed.id) : undefined;
      if (!existing) return { customer: null, userErrors: [userError(["id"], "Customer does not exist")] };
      if (input.email && findCustomerByEmail(shop, input.email, existing.id)) {
        return { customer: null, userErrors: [userError(["email"], "Email has already been taken")] };
      }
      const updated: EmuCustomer = {
        ...existing,
        firstName: input.firstName !== undefined ? input.firstName : existing.firstName,
        lastName: input.lastName !== undefined ? input.lastName : existing.lastName,
        email: input.email !== undefined ? input.email : existing.email,
        phone: input.phone !== undefined ? input.phone : existing.phone,
        note: input.note !== undefined ? input.note : existing.note,
        tags: input.tags ?? existing.tags,
        emailConsent: applyConsent(input, existing.emailConsent),
        updatedAt: ctx.emu.now(),
      };
      putRecord(shop.customers, updated);
      emit("customers/update", customerToRest(shop, updated));
      return { customer: new CustomerNode(shop, updated), userErrors: [] };
    },
    productCreate: (args: { product?: ProductInputArgs | null }) => {
      require(ctx, "productCreate", "write_products");
      const input = args.product ?? {};
      if (!input.title)
        return {
          product: null,
          shop: new ShopNode(shop),
          userErrors: [userError(["title"], "Title can't be blank")],
        };
      const now = ctx.emu.now();
      const id = nextId(shop);
      const product: EmuProduct = {
        id,
        title: input.title,
        handle:
          input.handle ??
          input.title
            .toLowerCase()
            .replace(/[^a-z0-9]+/g, "-")
            .replace(/^-|-$/g, ""),
        descriptionHtml: input.descriptionHtml ?? "",
        vendor: input.vendor ?? shop.name,
        productType: input.productType ?? "",
        status: input.status ?? "ACTIVE",
        tags: input.tags ?? [],
        variants: [
          {
            id: nextId(shop),
            productId: id,
            title: "Default Title",
            sku: null,
            price: "0.00",
            compareAtPrice: null,
            position: 1,
            inventoryQuantity: 0,
            createdAt: now,
            updatedAt: now,
          },
        ],
        createdAt: now,
        updatedAt: now,
        publishedAt: null,
      };
      putRecord(shop.products, product);
      emit("products/create", productToRest(shop, product));
      return { product: new ProductNode(shop, product), shop: new ShopNode(shop), userErrors: [] };
    },
    productUpdate: (args: { product?: ProductInputArgs | null }) => {
      require(ctx, "productUpdate", "write_products");
      const input = args.product ?? {};
      const parsed = input.id ? parseGid(input.id) : null;
      const existing = parsed ? shop.products.get(parsed.id) : undefined;
      if (!existing) return { product: null, userErrors: [userError(["id"], "Product does not exist")] };
      const updated: EmuProduct = {
        ...existing,
        title: input.title ?? existing.title,
        handle: input.handle ?? existing.handle,
        descriptionHtml: input.descriptionHtml ?? existing.descriptionHtml,
        vendor: input.vendor ?? existing.vendor,
        productType: input.productType ?? existing.productType,
        status: input.status ?? existing.status,
        tags: input.tags ?? existing.tags,
        updatedAt: ctx.emu.now(),
      };
      putRecord(shop.products, updated);
      emit("products/update", productToRest(shop, updated));
      return { product: new ProductNode(shop, updated), userErrors: [] };
    },
    orderUpdate: (args: {
      input: { id: string; email?: string | null; note?: string | null; tags?: string[] | null };
    }) => {
      require(ctx, "orderUpdate", "write_orders");
      const parsed = parseGid(args.input.id);
      const existing = parsed ? shop.orders.get(parsed.id) : undefined;
      if (!existing || !orderVisible(ctx, existing.createdAt))
        return { order: null, userErrors: [userError(["id"], "Order does not exist")] };
      const updated: EmuOrder = {
        ...existing,
        email: args.input.email !== undefined ? args.input.email : existing.email,
        note: args.input.note !== undefined ? args.input.note : existing.note,
        tags: args.input.tags ?? existing.tags,
        updatedAt: ctx.emu.now(),
      };
      putRecord(shop.orders, updated);
      emit("orders/updated", orderToRest(shop, updated));
      return { order: new OrderNode(shop, updated), userErrors: [] };
    },
  };
}
