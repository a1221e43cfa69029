/**
 * The emulated store: records, id sequences, deterministic seeding and every mutation. Mutations report the
 * WooCommerce hook they correspond to (as a webhook topic + resource id) so the delivery queue can react exactly as
 * the real store would; REST handlers and the control API share these methods.
 */
import { randomBytes, randomInt } from "node:crypto";
import {
  CITIES,
  COLORS,
  FIRST_NAMES,
  LAST_NAMES,
  PRODUCT_ADJECTIVES,
  PRODUCT_NOUNS,
  slugify,
} from "../shared/names";
import { createPrng } from "../shared/prng";
import {
  emptyAddress,
  parseCents,
  type ApiKeyRecord,
  type Clock,
  type CustomerRecord,
  type KeyPermissions,
  type LineItemRecord,
  type MetaDatum,
  type OrderRecord,
  type ProductRecord,
  type VariationRecord,
  type WebhookRecord,
  type WooAddress,
} from "./model";

/** A WordPress REST error: `{code, message, data: {status, ...}}`. */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extraData: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "RestError";
  }

  body(): Record<string, unknown> {
    return { code: this.code, message: this.message, data: { status: this.status, ...this.extraData } };
  }
}

/** A hook firing, expressed as the webhook topic it feeds and the resource id it carries. */
export interface StoreEvent {
  topic: string;
  resourceId: number;
}

export interface SeedCounts {
  customers: number;
  orders: number;
  products: number;
}

/** Seeded data ends here, so a seed gives byte-identical stores whatever the wall clock says. */
export const SEED_END_MS = Date.UTC(2026, 10, 1, 0, 0, 0);
const SEED_SPAN_MS = 3 * 365 * 24 * 3600 * 1000;

export const ORDER_STATUSES = [
  "pending",
  "processing",
  "on-hold",
  "completed",
  "cancelled",
  "refunded",
  "failed",
  "checkout-draft",
];

type Input = Record<string, unknown>;

function str(value: unknown, fallback = ""): string {
  if (value === undefined || value === null) return fallback;
  return String(value);
}

const PAYMENT_METHODS: [string, string][] = [
  ["bacs", "Direct bank transfer"],
  ["cod", "Cash on delivery"],
  ["stripe", "Credit Card (Stripe)"],
  ["ppcp-gateway", "PayPal"],
];
/** Variable products draw their Color × Size axes from the start of these lists. */
const VARIATION_COLORS = COLORS.slice(0, 3);
const VARIATION_SIZES = ["S", "M", "L", "XL"];

function mergeAddress(target: WooAddress, input: unknown): void {
  if (!input || typeof input !== "object") return;
  for (const [key, value] of Object.entries(input as Input)) {
    if (key in target) (target as unknown as Record<string, string>)[key] = str(value);
  }
}

export class WooStore {
  customers = new Map<number, CustomerRecord>();
  products = new Map<number, ProductRecord>();
  variations = new Map<number, VariationRecord>();
  orders = new Map<number, OrderRecord>();
  webhooks = new Map<number, WebhookRecord>();
  keys = new Map<string, ApiKeyRecord>();
  /** Bumped on every mutation so list sort caches know when to rebuild. */
  version = 0;
  private nextPostId = 10;
  private nextUserId = 2;
  private nextItemId = 1;
  private nextMetaId = 1;
  private nextWebhookId = 1;
  private nextKeyId = 1;

  constructor(
    private readonly clock: Clock,
    private readonly emit: (event: StoreEvent) => void,
  ) {}

  /** Empties records and webhooks (API keys survive: a reset must not log every client out). */
  clear(): void {
    this.customers.clear();
    this.products.clear();
    this.variations.clear();
    this.orders.clear();
    this.webhooks.clear();
    this.nextPostId = 10;
    this.nextUserId = 2;
    this.nextItemId = 1;
    this.nextMetaId = 1;
    this.nextWebhookId = 1;
    this.version++;
  }

  private meta(key: string, value: string): MetaDatum {
    return { id: this.nextMetaId++, key, value };
  }

  // ---- API keys ---------------------------------------------------------------------------------------------

  /** Creates a key in WooCommerce's format: ck_/cs_ followed by 40 hex characters. */
  createKey(permissions: KeyPermissions, description = "Emulator key", userId = 1): ApiKeyRecord {
    const key: ApiKeyRecord = {
      keyId: this.nextKeyId++,
      userId,
      description,
      permissions,
      consumerKey: `ck_${randomBytes(20).toString("hex")}`,
      consumerSecret: `cs_${randomBytes(20).toString("hex")}`,
      nonces: new Map(),
      lastAccessMs: null,
    };
    this.keys.set(key.consumerKey, key);
    return key;
  }

  deleteKeyById(keyId: number): boolean {
    for (const [ck, key] of this.keys) {
      if (key.keyId === keyId) {
        this.keys.delete(ck);
        return true;
      }
    }
    return false;
  }

  // ---- Seeding ----------------------------------------------------------------------------------------------

  /** Generates a deterministic store: same seed and counts → same records, ids and dates. */
  seed(seed: number, counts: SeedCounts): void {
    const prng = createPrng(seed);
    const rnd = prng.next;
    const pick = prng.pick;
    const startMs = SEED_END_MS - SEED_SPAN_MS;
    const spread = (index: number, total: number) =>
      Math.floor((startMs + (SEED_SPAN_MS * (index + rnd() * 0.9)) / Math.max(total, 1)) / 1000) * 1000;
    const modifiedAfter = (createdMs: number) => {
      if (rnd() < 0.3) return createdMs;
      return Math.min(SEED_END_MS, createdMs + Math.floor(rnd() * 120 * 24 * 3600) * 1000);
    };

    // Products (with variations) take the first post ids, as a store builds its catalogue before selling.
    const productIds: number[] = [];
    for (let i = 0; i < counts.products; i++) {
      const createdMs = startMs + Math.floor((i * 3600 * 1000) / 1000) * 1000;
      const name = `${pick(PRODUCT_ADJECTIVES)} ${pick(PRODUCT_NOUNS)} ${i + 1}`;
      const variable = rnd() < 0.3;
      const id = this.nextPostId++;
      const product: ProductRecord = {
        id,
        name,
        slug: slugify(name),
        type: variable ? "variable" : "simple",
        status: rnd() < 0.95 ? "publish" : "draft",
        featured: rnd() < 0.1,
        description: `<p>${name}, generated by the emulator.</p>`,
        shortDescription: "",
        sku: `SKU-${String(i + 1).padStart(5, "0")}`,
        regularPriceCents: variable ? null : 300 + Math.floor(rnd() * 9700),
        salePriceCents: null,
        createdMs,
        modifiedMs: modifiedAfter(createdMs),
        manageStock: !variable && rnd() < 0.6,
        stockQuantity: null,
        totalSales: 0,
        categories: [{ id: 15, name: "Uncategorized", slug: "uncategorized" }],
        attributes: [],
        variationIds: [],
        weight: "",
        metaData: [],
      };
      if (product.manageStock) product.stockQuantity = Math.floor(rnd() * 200);
      if (!variable && rnd() < 0.15 && product.regularPriceCents !== null) {
        product.salePriceCents = Math.floor(product.regularPriceCents * 0.8);
      }
      this.products.set(id, product);
      productIds.push(id);
      if (variable) {
        const colors = VARIATION_COLORS.slice(0, 1 + Math.floor(rnd() * 3));
        const sizes = VARIATION_SIZES.slice(0, 1 + Math.floor(rnd() * 3));
        product.attributes = [
          {
            id: 0,
            name: "Color",
            slug: "color",
            position: 0,
            visible: true,
            variation: true,
            options: colors,
          },
          { id: 0, name: "Size", slug: "size", position: 1, visible: true, variation: true, options: sizes },
        ];
        const basePrice = 1000 + Math.floor(rnd() * 5000);
        let menuOrder = 0;
        for (const color of colors) {
          for (const size of sizes) {
            const vid = this.nextPostId++;
            this.variations.set(vid, {
              id: vid,
              parentId: id,
              sku: `${product.sku}-${color.slice(0, 3).toUpperCase()}-${size}`,
              regularPriceCents: basePrice + (size === "XL" ? 200 : 0),
              salePriceCents: null,
              status: "publish",
              createdMs,
              modifiedMs: product.modifiedMs,
              manageStock: false,
              stockQuantity: null,
              attributes: [
                { id: 0, name: "Color", option: color },
                { id: 0, name: "Size", option: size },
              ],
              description: "",
              menuOrder: menuOrder++,
              metaData: [],
            });
            product.variationIds.push(vid);
          }
        }
      }
    }

    // Customers: unique account emails (WordPress enforces it).
    const customerIds: number[] = [];
    for (let i = 0; i < counts.customers; i++) {
      const first = pick(FIRST_NAMES);
      const last = pick(LAST_NAMES);
      const id = this.nextUserId++;
      const createdMs = spread(i, counts.customers);
      const modifiedMs = modifiedAfter(createdMs);
      const localPart = `${slugify(first)}.${slugify(last)}${id}`.replace(/-/g, "");
      const email = `${localPart}@example.test`;
      const place = pick(CITIES);
      const billing: WooAddress = {
        first_name: first,
        last_name: last,
        company: rnd() < 0.1 ? `${last} GmbH` : "",
        address_1: `${1 + Math.floor(rnd() * 999)} Test St`,
        address_2: "",
        city: place.city,
        state: place.provinceCode,
        postcode: place.postcode,
        country: place.countryCode,
        email,
        phone: rnd() < 0.5 ? `+1555${String(Math.floor(rnd() * 1e7)).padStart(7, "0")}` : "",
      };
      const shipping = rnd() < 0.6 ? { ...billing } : emptyAddress(false);
      delete shipping.email;
      this.customers.set(id, {
        id,
        createdMs,
        modifiedMs,
        email,
        firstName: first,
        lastName: last,
        username: localPart,
        role: "customer",
        billing,
        shipping,
        isPayingCustomer: false,
        metaData: [this.meta("wc_last_active", String(Math.floor(modifiedMs / 86_400_000) * 86_400))],
      });
      customerIds.push(id);
    }

    // Guest emails: a shared pool, so the same person appears on many guest orders, sometimes with the address of
    // a registered customer in other letter case.
    const guestPool: string[] = [];
    const guestPoolSize = Math.max(1, Math.floor(counts.orders / 4));
    const statusWeights: [string, number][] = [
      ["completed", 0.5],
      ["processing", 0.18],
      ["pending", 0.08],
      ["on-hold", 0.06],
      ["cancelled", 0.06],
      ["refunded", 0.06],
      ["failed", 0.06],
    ];
    const purchasable = productIds.filter((id) => {
      const p = this.products.get(id);
      return p && (p.type === "variable" ? p.variationIds.length > 0 : p.regularPriceCents !== null);
    });
    for (let i = 0; i < counts.orders; i++) {
      const createdMs = spread(i, counts.orders);
      let roll = rnd();
      let status = "completed";
      for (const [candidate, weight] of statusWeights) {
        if (roll < weight) {
          status = candidate;
          break;
        }
        roll -= weight;
      }
      const guest = customerIds.length === 0 || rnd() < 0.2;
      const customer = guest ? undefined : this.customers.get(pick(customerIds));
      let billing: WooAddress;
      if (customer) {
        billing = { ...customer.billing };
      } else {
        let email: string;
        if (customerIds.length > 0 && rnd() < 0.25) {
          const registered = this.customers.get(pick(customerIds))!;
          email = rnd() < 0.5 ? registered.email.toUpperCase() : registered.email;
        } else if (guestPool.length < guestPoolSize && (guestPool.length === 0 || rnd() < 0.5)) {
          email = `guest${guestPool.length + 1}@example.test`;
          guestPool.push(email);
        } else {
          email = pick(guestPool);
        }
        const place = pick(CITIES);
        billing = {
          first_name: pick(FIRST_NAMES),
          last_name: pick(LAST_NAMES),
          company: "",
          address_1: `${1 + Math.floor(rnd() * 999)} Guest Ave`,
          address_2: "",
          city: place.city,
          state: place.provinceCode,
          postcode: place.postcode,
          country: place.countryCode,
          email,
          phone: "",
        };
      }
      const shipping: WooAddress = { ...billing };
      delete shipping.email;
      const lineItems: LineItemRecord[] = [];
      const itemCount = purchasable.length ? 1 + Math.floor(rnd() * 3) : 0;
      for (let n = 0; n < itemCount; n++) {
        const product = this.products.get(pick(purchasable))!;
        const quantity = 1 + Math.floor(rnd() * 3);
        lineItems.push(
          this.buildLineItem(product, product.type === "variable" ? pick(product.variationIds) : 0, quantity),
        );
        product.totalSales += quantity;
      }
      const paid = !["pending", "failed", "cancelled"].includes(status);
      if (paid) {
        for (const li of lineItems) {
          if (this.products.get(li.productId)?.manageStock)
            li.metaData.push(this.meta("_reduced_stock", String(li.quantity)));
        }
      }
      const [paymentMethod, paymentTitle] = pick(PAYMENT_METHODS);
      const id = this.nextPostId++;
      const order: OrderRecord = {
        id,
        parentId: 0,
        status,
        currency: "USD",
        createdMs,
        modifiedMs: modifiedAfter(createdMs),
        paidMs: paid ? createdMs + 60_000 : null,
        completedMs:
          status === "completed" || status === "refunded"
            ? Math.min(SEED_END_MS, createdMs + 2 * 86_400_000)
            : null,
        customerId: customer?.id ?? 0,
        orderKey: `wc_order_${this.randomKey(rnd)}`,
        billing,
        shipping,
        paymentMethod,
        paymentMethodTitle: paymentTitle,
        transactionId: paid && paymentMethod === "stripe" ? `ch_${Math.floor(rnd() * 1e12)}` : "",
        createdVia: "checkout",
        customerNote: rnd() < 0.05 ? "Please leave at the door." : "",
        lineItems,
        shippingLines:
          rnd() < 0.7
            ? [
                {
                  id: this.nextItemId++,
                  methodTitle: "Flat rate",
                  methodId: "flat_rate",
                  instanceId: "1",
                  totalCents: 500,
                },
              ]
            : [],
        discountCents: 0,
        refunds: [],
        metaData: [],
      };
      if (order.completedMs !== null) order.modifiedMs = Math.max(order.modifiedMs, order.completedMs);
      order.modifiedMs = Math.min(order.modifiedMs, SEED_END_MS);
      this.orders.set(id, order);
      const total =
        lineItems.reduce((s, li) => s + li.totalCents, 0) +
        order.shippingLines.reduce((s, l) => s + l.totalCents, 0);
      if (status === "refunded" || (status === "completed" && rnd() < 0.05 && total > 100)) {
        const refundId = this.nextPostId++;
        const amountCents = status === "refunded" ? total : Math.floor(total / 2);
        order.refunds.push({
          id: refundId,
          reason: status === "refunded" ? "Order fully refunded." : "Partial refund",
          amountCents,
          createdMs: Math.min(SEED_END_MS, createdMs + 3 * 86_400_000),
        });
      }
      if (customer && paid) customer.isPayingCustomer = true;
    }
    this.version++;
  }

  private randomKey(rnd: () => number): string {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let key = "";
    for (let i = 0; i < 13; i++) key += alphabet[Math.floor(rnd() * alphabet.length)];
    return key;
  }

  private buildLineItem(product: ProductRecord, variationId: number, quantity: number): LineItemRecord {
    const variation = variationId ? this.variations.get(variationId) : undefined;
    const unitPriceCents = variation
      ? (variation.salePriceCents ?? variation.regularPriceCents)
      : (product.salePriceCents ?? product.regularPriceCents ?? 0);
    const metaData = variation
      ? variation.attributes.map((a) => this.meta(a.name.toLowerCase(), a.option))
      : [];
    return {
      id: this.nextItemId++,
      name: variation
        ? `${product.name} - ${variation.attributes.map((a) => a.option).join(", ")}`
        : product.name,
      productId: product.id,
      variationId: variation ? variation.id : 0,
      quantity,
      sku: variation ? variation.sku : product.sku,
      unitPriceCents,
      subtotalCents: unitPriceCents * quantity,
      totalCents: unitPriceCents * quantity,
      parentName: variation ? product.name : null,
      metaData,
    };
  }

  // ---- Customers --------------------------------------------------------------------------------------------

  private assertEmailFree(email: string, exceptId: number): void {
    const lower = email.toLowerCase();
    for (const c of this.customers.values()) {
      if (c.id !== exceptId && c.email.toLowerCase() === lower) {
        throw new RestError(
          400,
          "registration-error-email-exists",
          'An account is already registered with your email address. <a href="#" class="showlogin">Please log in.</a>',
        );
      }
    }
  }

  createCustomer(input: Input): CustomerRecord {
    if (input.id)
      throw new RestError(400, "woocommerce_rest_customer_exists", "Cannot create existing resource.");
    const email = str(input.email).trim();
    if (!email)
      throw new RestError(400, "rest_missing_callback_param", "Missing parameter(s): email", {
        params: ["email"],
      });
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
      throw new RestError(400, "registration-error-invalid-email", "Please provide a valid email address.");
    }
    this.assertEmailFree(email, 0);
    const username =
      str(input.username) || email.split("@")[0].replace(/[^a-z0-9._-]/gi, "") || `user${this.nextUserId}`;
    for (const c of this.customers.values()) {
      if (c.username === username) {
        throw new RestError(
          400,
          "registration-error-username-exists",
          "An account is already registered with that username. Please choose another.",
        );
      }
    }
    const now = this.clock.now();
    const customer: CustomerRecord = {
      id: this.nextUserId++,
      createdMs: now,
      modifiedMs: now,
      email,
      firstName: str(input.first_name),
      lastName: str(input.last_name),
      username,
      role: "customer",
      billing: emptyAddress(true),
      shipping: emptyAddress(false),
      isPayingCustomer: false,
      metaData: [],
    };
    mergeAddress(customer.billing, input.billing);
    mergeAddress(customer.shipping, input.shipping);
    this.applyMeta(customer.metaData, input.meta_data);
    this.customers.set(customer.id, customer);
    this.version++;
    this.emit({ topic: "customer.created", resourceId: customer.id });
    return customer;
  }

  updateCustomer(id: number, input: Input): CustomerRecord {
    const customer = this.customers.get(id);
    if (!customer) throw new RestError(400, "woocommerce_rest_invalid_id", "Invalid resource ID.");
    if (input.email !== undefined) {
      const email = str(input.email).trim();
      this.assertEmailFree(email, id);
      customer.email = email;
    }
    if (input.username !== undefined && str(input.username) !== customer.username) {
      throw new RestError(400, "woocommerce_rest_customer_invalid_argument", "Username isn't editable.");
    }
    if (input.first_name !== undefined) customer.firstName = str(input.first_name);
    if (input.last_name !== undefined) customer.lastName = str(input.last_name);
    mergeAddress(customer.billing, input.billing);
    mergeAddress(customer.shipping, input.shipping);
    this.applyMeta(customer.metaData, input.meta_data);
    customer.modifiedMs = this.clock.now();
    this.version++;
    this.emit({ topic: "customer.updated", resourceId: id });
    return customer;
  }

  deleteCustomer(id: number): CustomerRecord {
    const customer = this.customers.get(id);
    if (!customer) throw new RestError(400, "woocommerce_rest_invalid_id", "Invalid resource ID.");
    // delete_user fires before the row goes: the delivery will carry {id} only.
    this.emit({ topic: "customer.deleted", resourceId: id });
    this.customers.delete(id);
    this.version++;
    return customer;
  }

  /** Moves a post to the trash as wp_trash_post does: remembers its status and fires `<resource>.deleted`. */
  private trash(
    record: { status: string; trashedFrom?: string; modifiedMs: number },
    resource: "order" | "product",
    id: number,
  ): void {
    if (record.status === "trash") {
      throw new RestError(
        410,
        "woocommerce_rest_already_trashed",
        `The ${resource} has already been deleted.`,
      );
    }
    record.trashedFrom = record.status;
    record.status = "trash";
    record.modifiedMs = this.clock.now();
    this.emit({ topic: `${resource}.deleted`, resourceId: id });
  }

  private applyMeta(target: MetaDatum[], input: unknown): void {
    if (!Array.isArray(input)) return;
    for (const raw of input) {
      if (!raw || typeof raw !== "object") continue;
      const item = raw as Input;
      const key = str(item.key);
      if (!key) continue;
      const existing = target.find((m) => (item.id ? m.id === Number(item.id) : m.key === key));
      if (existing) existing.value = str(item.value);
      else target.push(this.meta(key, str(item.value)));
    }
  }

  // ---- Products and variations ------------------------------------------------------------------------------

  private assertSkuFree(sku: string, exceptId: number): void {
    if (!sku) return;
    const taken =
      [...this.products.values()].some((p) => p.id !== exceptId && p.sku === sku) ||
      [...this.variations.values()].some((v) => v.id !== exceptId && v.sku === sku);
    if (taken) throw new RestError(400, "product_invalid_sku", "Invalid or duplicated SKU.");
  }

  createProduct(input: Input): ProductRecord {
    if (input.id)
      throw new RestError(400, "woocommerce_rest_product_exists", "Cannot create existing product.");
    const type = str(input.type, "simple");
    if (type !== "simple" && type !== "variable") {
      throw new RestError(400, "rest_invalid_param", "Invalid parameter(s): type", {
        params: { type: "type is not one of simple, grouped, external, and variable." },
      });
    }
    const sku = str(input.sku);
    this.assertSkuFree(sku, 0);
    const now = this.clock.now();
    const name = str(input.name, "Product");
    const product: ProductRecord = {
      id: this.nextPostId++,
      name,
      slug: str(input.slug) || slugify(name) || `product`,
      type,
      status: str(input.status, "publish"),
      featured: input.featured === true,
      description: str(input.description),
      shortDescription: str(input.short_description),
      sku,
      regularPriceCents: type === "variable" ? null : parseCents(input.regular_price),
      salePriceCents: type === "variable" ? null : parseCents(input.sale_price),
      createdMs: now,
      modifiedMs: now,
      manageStock: input.manage_stock === true,
      stockQuantity: input.stock_quantity === undefined ? null : Number(input.stock_quantity),
      totalSales: 0,
      categories: [{ id: 15, name: "Uncategorized", slug: "uncategorized" }],
      attributes: [],
      variationIds: [],
      weight: str(input.weight),
      metaData: [],
    };
    if (Array.isArray(input.attributes)) {
      product.attributes = input.attributes.map((raw, index) => {
        const a = (raw ?? {}) as Input;
        const attrName = str(a.name);
        return {
          id: Number(a.id ?? 0),
          name: attrName,
          slug: slugify(attrName),
          position: Number(a.position ?? index),
          visible: a.visible !== false,
          variation: a.variation === true,
          options: Array.isArray(a.options) ? a.options.map((o) => str(o)) : [],
        };
      });
    }
    this.applyMeta(product.metaData, input.meta_data);
    this.products.set(product.id, product);
    this.version++;
    this.emit({ topic: "product.created", resourceId: product.id });
    return product;
  }

  updateProduct(id: number, input: Input): ProductRecord {
    const product = this.products.get(id);
    if (!product) throw new RestError(400, "woocommerce_rest_product_invalid_id", "Invalid ID.");
    if (input.sku !== undefined) {
      this.assertSkuFree(str(input.sku), id);
      product.sku = str(input.sku);
    }
    if (input.name !== undefined) product.name = str(input.name);
    if (input.slug !== undefined) product.slug = str(input.slug);
    if (input.status !== undefined) product.status = str(input.status);
    if (input.featured !== undefined) product.featured = input.featured === true;
    if (input.description !== undefined) product.description = str(input.description);
    if (input.short_description !== undefined) product.shortDescription = str(input.short_description);
    if (product.type === "simple") {
      if (input.regular_price !== undefined) product.regularPriceCents = parseCents(input.regular_price);
      if (input.sale_price !== undefined) product.salePriceCents = parseCents(input.sale_price);
    }
    if (input.manage_stock !== undefined) product.manageStock = input.manage_stock === true;
    if (input.stock_quantity !== undefined) product.stockQuantity = Number(input.stock_quantity);
    if (input.weight !== undefined) product.weight = str(input.weight);
    this.applyMeta(product.metaData, input.meta_data);
    product.modifiedMs = this.clock.now();
    this.version++;
    this.emit({ topic: "product.updated", resourceId: id });
    return product;
  }

  /** Trash (force=false) fires product.deleted via wp_trash_post; a forced delete fires nothing. */
  deleteProduct(id: number, force: boolean): ProductRecord {
    const product = this.products.get(id);
    if (!product) throw new RestError(404, "woocommerce_rest_product_invalid_id", "Invalid ID.");
    if (force) {
      for (const vid of product.variationIds) this.variations.delete(vid);
      this.products.delete(id);
    } else {
      this.trash(product, "product", id);
    }
    this.version++;
    return product;
  }

  createVariation(productId: number, input: Input): VariationRecord {
    const product = this.products.get(productId);
    if (!product || product.status === "trash") {
      throw new RestError(404, "woocommerce_rest_product_invalid_id", "Invalid ID.");
    }
    const sku = str(input.sku);
    this.assertSkuFree(sku, 0);
    const now = this.clock.now();
    const variation: VariationRecord = {
      id: this.nextPostId++,
      parentId: productId,
      sku,
      regularPriceCents: parseCents(input.regular_price) ?? 0,
      salePriceCents: parseCents(input.sale_price),
      status: str(input.status, "publish"),
      createdMs: now,
      modifiedMs: now,
      manageStock: input.manage_stock === true,
      stockQuantity: input.stock_quantity === undefined ? null : Number(input.stock_quantity),
      attributes: Array.isArray(input.attributes)
        ? input.attributes.map((raw) => {
            const a = (raw ?? {}) as Input;
            return { id: Number(a.id ?? 0), name: str(a.name), option: str(a.option) };
          })
        : [],
      description: str(input.description),
      menuOrder: product.variationIds.length,
      metaData: [],
    };
    this.variations.set(variation.id, variation);
    product.variationIds.push(variation.id);
    this.version++;
    this.emit({ topic: "product.created", resourceId: variation.id });
    return variation;
  }

  updateVariation(productId: number, id: number, input: Input): VariationRecord {
    const variation = this.variations.get(id);
    if (!variation || variation.parentId !== productId) {
      throw new RestError(400, "woocommerce_rest_product_variation_invalid_id", "Invalid ID.");
    }
    if (input.sku !== undefined) {
      this.assertSkuFree(str(input.sku), id);
      variation.sku = str(input.sku);
    }
    if (input.regular_price !== undefined) variation.regularPriceCents = parseCents(input.regular_price) ?? 0;
    if (input.sale_price !== undefined) variation.salePriceCents = parseCents(input.sale_price);
    if (input.status !== undefined) variation.status = str(input.status);
    if (input.description !== undefined) variation.description = str(input.description);
    if (input.manage_stock !== undefined) variation.manageStock = input.manage_stock === true;
    if (input.stock_quantity !== undefined) variation.stockQuantity = Number(input.stock_quantity);
    variation.modifiedMs = this.clock.now();
    this.version++;
    this.emit({ topic: "product.updated", resourceId: id });
    return variation;
  }

  deleteVariation(productId: number, id: number): VariationRecord {
    const variation = this.variations.get(id);
    if (!variation || variation.parentId !== productId) {
      throw new RestError(404, "woocommerce_rest_product_variation_invalid_id", "Invalid ID.");
    }
    this.variations.delete(id);
    const product = this.products.get(productId);
    if (product) product.variationIds = product.variationIds.filter((v) => v !== id);
    this.version++;
    return variation;
  }

  // ---- Orders -----------------------------------------------------------------------------------------------

  createOrder(input: Input): OrderRecord {
    if (input.id)
      throw new RestError(400, "woocommerce_rest_shop_order_exists", "Cannot create existing order.");
    const now = this.clock.now();
    const customerId = Number(input.customer_id ?? 0);
    if (customerId && !this.customers.has(customerId)) {
      throw new RestError(400, "woocommerce_rest_invalid_customer_id", "Customer ID is invalid.");
    }
    const status = str(input.status, "pending");
    this.assertOrderStatus(status);
    const order: OrderRecord = {
      id: this.nextPostId++,
      parentId: Number(input.parent_id ?? 0),
      status,
      currency: str(input.currency, "USD"),
      createdMs: now,
      modifiedMs: now,
      paidMs: null,
      completedMs: null,
      customerId,
      orderKey: `wc_order_${this.randomKey(() => randomInt(0, 2 ** 32) / 2 ** 32)}`,
      billing: emptyAddress(true),
      shipping: emptyAddress(false),
      paymentMethod: str(input.payment_method),
      paymentMethodTitle: str(input.payment_method_title),
      transactionId: str(input.transaction_id),
      createdVia: "rest-api",
      customerNote: str(input.customer_note),
      lineItems: [],
      shippingLines: [],
      discountCents: 0,
      refunds: [],
      metaData: [],
    };
    mergeAddress(order.billing, input.billing);
    mergeAddress(order.shipping, input.shipping);
    if (Array.isArray(input.line_items)) {
      for (const raw of input.line_items) order.lineItems.push(this.lineItemFromInput((raw ?? {}) as Input));
    }
    if (Array.isArray(input.shipping_lines)) {
      for (const raw of input.shipping_lines) {
        const s = (raw ?? {}) as Input;
        order.shippingLines.push({
          id: this.nextItemId++,
          methodTitle: str(s.method_title),
          methodId: str(s.method_id),
          instanceId: str(s.instance_id),
          totalCents: parseCents(s.total) ?? 0,
        });
      }
    }
    this.applyMeta(order.metaData, input.meta_data);
    if (input.set_paid === true) this.markPaid(order, now);
    this.applyStatusDates(order, now);
    this.orders.set(order.id, order);
    this.version++;
    this.emit({ topic: "order.created", resourceId: order.id });
    return order;
  }

  private assertOrderStatus(status: string): void {
    if (!ORDER_STATUSES.includes(status)) {
      throw new RestError(400, "rest_invalid_param", "Invalid parameter(s): status", {
        params: { status: `status is not one of ${listWords(ORDER_STATUSES)}.` },
      });
    }
  }

  private lineItemFromInput(item: Input): LineItemRecord {
    const product = this.products.get(Number(item.product_id ?? 0));
    const quantity = Math.max(1, Number(item.quantity ?? 1));
    if (!product) {
      const priceCents = parseCents(item.price) ?? parseCents(item.total) ?? 0;
      return {
        id: this.nextItemId++,
        name: str(item.name, "Item"),
        productId: 0,
        variationId: 0,
        quantity,
        sku: "",
        unitPriceCents: priceCents,
        subtotalCents: priceCents * quantity,
        totalCents: priceCents * quantity,
        parentName: null,
        metaData: [],
      };
    }
    const line = this.buildLineItem(product, Number(item.variation_id ?? 0), quantity);
    const total = parseCents(item.total);
    if (total !== null) line.totalCents = total;
    const subtotal = parseCents(item.subtotal);
    if (subtotal !== null) line.subtotalCents = subtotal;
    return line;
  }

  /** Payment completes: paid date, stock reduced (with the `_reduced_stock` item meta a real store writes). */
  private markPaid(order: OrderRecord, now: number): void {
    if (order.paidMs === null) order.paidMs = now;
    if (order.status === "pending" || order.status === "failed") order.status = "processing";
    for (const li of order.lineItems) {
      const product = this.products.get(li.productId);
      if (!product) continue;
      product.totalSales += li.quantity;
      if (
        product.manageStock &&
        product.stockQuantity !== null &&
        !li.metaData.some((m) => m.key === "_reduced_stock")
      ) {
        product.stockQuantity -= li.quantity;
        li.metaData.push(this.meta("_reduced_stock", String(li.quantity)));
        // Saving the new stock level is a product update: real stores send product.updated alongside the order.
        product.modifiedMs = now;
        this.emit({ topic: "product.updated", resourceId: product.id });
      }
    }
    const customer = this.customers.get(order.customerId);
    if (customer) customer.isPayingCustomer = true;
  }

  private applyStatusDates(order: OrderRecord, now: number): void {
    if ((order.status === "processing" || order.status === "completed") && order.paidMs === null) {
      this.markPaid(order, now);
    }
    if (order.status === "completed" && order.completedMs === null) order.completedMs = now;
  }

  updateOrder(id: number, input: Input): OrderRecord {
    const order = this.orders.get(id);
    if (!order) throw new RestError(400, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.");
    const now = this.clock.now();
    if (input.status !== undefined) {
      const status = str(input.status);
      this.assertOrderStatus(status);
      order.status = status;
    }
    if (input.customer_id !== undefined) order.customerId = Number(input.customer_id);
    mergeAddress(order.billing, input.billing);
    mergeAddress(order.shipping, input.shipping);
    if (input.customer_note !== undefined) order.customerNote = str(input.customer_note);
    if (input.payment_method !== undefined) order.paymentMethod = str(input.payment_method);
    if (input.payment_method_title !== undefined) order.paymentMethodTitle = str(input.payment_method_title);
    if (input.transaction_id !== undefined) order.transactionId = str(input.transaction_id);
    if (Array.isArray(input.line_items)) {
      for (const raw of input.line_items) order.lineItems.push(this.lineItemFromInput((raw ?? {}) as Input));
    }
    this.applyMeta(order.metaData, input.meta_data);
    if (input.set_paid === true) this.markPaid(order, now);
    this.applyStatusDates(order, now);
    order.modifiedMs = now;
    this.version++;
    this.emit({ topic: "order.updated", resourceId: id });
    return order;
  }

  /**
   * Trashing fires `order.deleted` (wp_trash_post / woocommerce_trash_order); a forced delete fires nothing at all,
   * exactly as a real HPOS store behaves.
   */
  deleteOrder(id: number, force: boolean): OrderRecord {
    const order = this.orders.get(id);
    if (!order) throw new RestError(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.");
    if (force) {
      this.orders.delete(id);
    } else {
      this.trash(order, "order", id);
    }
    this.version++;
    return order;
  }

  /** Untrash (the admin's "Restore"): fires order.restored. */
  restoreOrder(id: number): OrderRecord {
    const order = this.orders.get(id);
    if (!order || order.status !== "trash") {
      throw new RestError(400, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.");
    }
    order.status = order.trashedFrom ?? "pending";
    delete order.trashedFrom;
    order.modifiedMs = this.clock.now();
    this.version++;
    this.emit({ topic: "order.restored", resourceId: id });
    return order;
  }

  /** A refund is a child post of the order; it fires `order.updated` (woocommerce_order_refunded). */
  refundOrder(id: number, input: Input): OrderRecord {
    const order = this.orders.get(id);
    if (!order) throw new RestError(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.");
    const amountCents = parseCents(input.amount);
    if (amountCents === null || amountCents <= 0) {
      throw new RestError(
        400,
        "woocommerce_rest_cannot_create_order_refund",
        "Refund amount must be greater than zero.",
      );
    }
    const now = this.clock.now();
    order.refunds.unshift({ id: this.nextPostId++, reason: str(input.reason), amountCents, createdMs: now });
    const refunded = order.refunds.reduce((s, r) => s + r.amountCents, 0);
    const totalCents =
      order.lineItems.reduce((s, li) => s + li.totalCents, 0) +
      order.shippingLines.reduce((s, l) => s + l.totalCents, 0);
    if (refunded >= totalCents) order.status = "refunded";
    order.modifiedMs = now;
    this.version++;
    this.emit({ topic: "order.updated", resourceId: id });
    return order;
  }

  // ---- Webhooks ---------------------------------------------------------------------------------------------

  createWebhook(input: Input, userId: number): WebhookRecord {
    const topic = str(input.topic);
    if (!isValidTopic(topic)) {
      throw new RestError(
        400,
        "woocommerce_rest_webhook_invalid_topic",
        "Webhook topic is required and must be valid.",
      );
    }
    const deliveryUrl = str(input.delivery_url);
    if (!/^https?:\/\/\S+$/i.test(deliveryUrl)) {
      throw new RestError(
        400,
        "woocommerce_rest_webhook_invalid_delivery_url",
        "Webhook delivery URL must be a valid URL starting with http:// or https://.",
      );
    }
    const status = str(input.status, "active");
    assertWebhookStatus(status);
    const now = this.clock.now();
    const webhook: WebhookRecord = {
      id: this.nextWebhookId++,
      name: str(input.name) || `Webhook created on ${new Date(now).toUTCString()}`,
      status: status as WebhookRecord["status"],
      topic,
      deliveryUrl,
      secret: str(input.secret) || randomBytes(25).toString("base64url"),
      createdMs: now,
      modifiedMs: now,
      failureCount: 0,
      userId,
    };
    this.webhooks.set(webhook.id, webhook);
    this.version++;
    return webhook;
  }

  updateWebhook(id: number, input: Input): WebhookRecord {
    const webhook = this.webhooks.get(id);
    if (!webhook) throw new RestError(400, "woocommerce_rest_webhook_invalid_id", "Invalid ID.");
    if (input.topic !== undefined) {
      const topic = str(input.topic);
      if (!isValidTopic(topic)) {
        throw new RestError(400, "woocommerce_rest_webhook_invalid_topic", "Webhook topic must be valid.");
      }
      webhook.topic = topic;
    }
    if (input.delivery_url !== undefined) webhook.deliveryUrl = str(input.delivery_url);
    if (input.name !== undefined) webhook.name = str(input.name);
    if (input.secret !== undefined) webhook.secret = str(input.secret);
    if (input.status !== undefined) {
      const status = str(input.status);
      assertWebhookStatus(status);
      // Re-activating starts a fresh failure streak.
      if (status === "active" && webhook.status !== "active") webhook.failureCount = 0;
      webhook.status = status as WebhookRecord["status"];
    }
    webhook.modifiedMs = this.clock.now();
    this.version++;
    return webhook;
  }

  deleteWebhook(id: number): WebhookRecord {
    const webhook = this.webhooks.get(id);
    if (!webhook) throw new RestError(404, "woocommerce_rest_webhook_invalid_id", "Invalid ID.");
    this.webhooks.delete(id);
    this.version++;
    return webhook;
  }
}

export const WEBHOOK_TOPICS = [
  "coupon.created",
  "coupon.updated",
  "coupon.deleted",
  "coupon.restored",
  "customer.created",
  "customer.updated",
  "customer.deleted",
  "order.created",
  "order.updated",
  "order.deleted",
  "order.restored",
  "product.created",
  "product.updated",
  "product.deleted",
  "product.restored",
];

function isValidTopic(topic: string): boolean {
  return WEBHOOK_TOPICS.includes(topic) || /^action\.[a-z0-9_]+$/i.test(topic);
}

function assertWebhookStatus(status: string): void {
  if (!["active", "paused", "disabled"].includes(status)) {
    throw new RestError(400, "rest_invalid_param", "Invalid parameter(s): status", {
      params: { status: "status is not one of active, paused, and disabled." },
    });
  }
}

/** WordPress's `wp_sprintf('%l')`: "a, b, and c" / "a and b". */
export function listWords(items: string[]): string {
  if (items.length <= 1) return items.join("");
  if (items.length === 2) return `${items[0]} and ${items[1]}`;
  return `${items.slice(0, -1).join(", ")}, and ${items[items.length - 1]}`;
}
