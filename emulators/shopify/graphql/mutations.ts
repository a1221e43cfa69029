/**
 * Record mutations: customerCreate / customerUpdate (duplicate email refused), productCreate / productUpdate,
 * orderUpdate (email, note, tags). Each stores a new record (never mutating the old one), moves updatedAt and emits
 * the REST-style webhook.
 */
import type { EmuCustomer, EmuOrder, EmuProduct, EmuShop } from "../model";
import { allocateId, parseGid } from "../model";
import { customerToRest, orderToRest, productToRest } from "../webhooks/rest-bodies";
import { orderVisible, type GqlContext } from "./context";
import { requireScope } from "./node";
import { CustomerNode, OrderNode, ProductNode, ShopNode } from "./objects";

const userError = (field: string[], message: string) => ({ field, message });

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

/** The mutation resolvers over the request's shop. */
export function mutationResolvers(ctx: GqlContext) {
  const shop = ctx.shop;
  const emit = (topic: string, body: unknown) => ctx.emu.webhooks.emit({ shop: shop.domain, topic, body });
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
    customerCreate: (args: { input: CustomerInput }) => {
      requireScope(ctx, "customerCreate", "write_customers");
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
        id: allocateId(shop),
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
      shop.customers.set(customer.id, customer);
      emit("customers/create", customerToRest(shop, customer));
      return { customer: new CustomerNode(shop, customer), userErrors: [] };
    },
    customerUpdate: (args: { input: CustomerInput }) => {
      requireScope(ctx, "customerUpdate", "write_customers");
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
      shop.customers.set(updated.id, updated);
      emit("customers/update", customerToRest(shop, updated));
      return { customer: new CustomerNode(shop, updated), userErrors: [] };
    },
    productCreate: (args: { product?: ProductInputArgs | null }) => {
      requireScope(ctx, "productCreate", "write_products");
      const input = args.product ?? {};
      if (!input.title)
        return {
          product: null,
          shop: new ShopNode(shop),
          userErrors: [userError(["title"], "Title can't be blank")],
        };
      const now = ctx.emu.now();
      const id = allocateId(shop);
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
            id: allocateId(shop),
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
      shop.products.set(product.id, product);
      emit("products/create", productToRest(shop, product));
      return { product: new ProductNode(shop, product), shop: new ShopNode(shop), userErrors: [] };
    },
    productUpdate: (args: { product?: ProductInputArgs | null }) => {
      requireScope(ctx, "productUpdate", "write_products");
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
      shop.products.set(updated.id, updated);
      emit("products/update", productToRest(shop, updated));
      return { product: new ProductNode(shop, updated), userErrors: [] };
    },
    orderUpdate: (args: {
      input: { id: string; email?: string | null; note?: string | null; tags?: string[] | null };
    }) => {
      requireScope(ctx, "orderUpdate", "write_orders");
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
      shop.orders.set(updated.id, updated);
      emit("orders/updated", orderToRest(shop, updated));
      return { order: new OrderNode(shop, updated), userErrors: [] };
    },
  };
}
