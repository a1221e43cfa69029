/**
 * The emulated store: records, id sequences and API keys. Every mutation lives in a module per resource
 * (customers.ts, orders.ts, products.ts, webhooks.ts) and reports the WooCommerce hook it corresponds to (a webhook
 * topic + resource id), so the delivery queue reacts exactly as the real store would; the REST API and the control
 * API call the same methods.
 */
import { randomBytes } from "node:crypto";
import { seedStore, type SeedCounts } from "../seed/seed";
import * as customers from "./customers";
import * as orders from "./orders";
import * as products from "./products";
import type {
  Clock,
  EmulatedWooApiKey,
  EmulatedWooCustomer,
  EmulatedWooMeta,
  EmulatedWooOrder,
  EmulatedWooProduct,
  EmulatedWooVariation,
  EmulatedWooWebhook,
  KeyPermissions,
} from "./records";
import { toWholeSecondMs } from "./records";
import * as webhooks from "./webhooks";

export type { SeedCounts } from "../seed/seed";

/** A hook firing, expressed as the webhook topic it feeds and the resource id it carries. */
export interface StoreEvent {
  topic: string;
  resourceId: number;
}

/** Mutation input: a REST request body. */
export type StoreInput = Record<string, unknown>;

/** Next ids. Orders, products, variations and refunds share one sequence, as WordPress posts do. */
export interface IdSequences {
  post: number;
  user: number;
  item: number;
  meta: number;
  webhook: number;
  key: number;
}

const FIRST_IDS: IdSequences = { post: 10, user: 2, item: 1, meta: 1, webhook: 1, key: 1 };

export class WooStore {
  /** Users with the `customer` role: what `/customers` lists by default. */
  customers = new Map<number, EmulatedWooCustomer>();
  /**
   * Users with any other role (the administrator, a shop manager, a subscriber, a plugin's role): only `role=all`,
   * their own role or `/customers/{id}` show them.
   */
  staff = new Map<number, EmulatedWooCustomer>();
  products = new Map<number, EmulatedWooProduct>();
  variations = new Map<number, EmulatedWooVariation>();
  orders = new Map<number, EmulatedWooOrder>();
  webhooks = new Map<number, EmulatedWooWebhook>();
  keys = new Map<string, EmulatedWooApiKey>();
  /** Bumped on every mutation so list sort caches know when to rebuild. */
  version = 0;
  readonly ids: IdSequences = { ...FIRST_IDS };

  constructor(
    readonly clock: Clock,
    readonly emit: (event: StoreEvent) => void,
  ) {}

  /** "Now" as WordPress stores it: whole seconds. */
  nowMs(): number {
    return toWholeSecondMs(this.clock.now());
  }

  /** Empties records and webhooks (API keys survive: a reset must not log every client out). */
  clear(): void {
    for (const map of [
      this.customers,
      this.staff,
      this.products,
      this.variations,
      this.orders,
      this.webhooks,
    ])
      map.clear();
    Object.assign(this.ids, { ...FIRST_IDS, key: this.ids.key });
    this.version++;
  }

  /** A new meta datum with the next meta id. */
  meta(key: string, value: string): EmulatedWooMeta {
    return { id: this.ids.meta++, key, value };
  }

  /** Any WordPress user by id, whatever the role (`/customers/{id}` reads them all). */
  user(id: number): EmulatedWooCustomer | undefined {
    return this.customers.get(id) ?? this.staff.get(id);
  }

  /** Generates a deterministic store: same seed, counts and end → same records, ids and dates. */
  seed(seed: number, counts: SeedCounts, endMs?: number): void {
    seedStore(this, seed, counts, endMs);
    this.version++;
  }

  // ---- API keys ---------------------------------------------------------------------------------------------

  /** Creates a key in WooCommerce's format: ck_/cs_ followed by 40 hex characters. */
  createKey(permissions: KeyPermissions, description = "Emulator key", userId = 1): EmulatedWooApiKey {
    const key: EmulatedWooApiKey = {
      keyId: this.ids.key++,
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

  // ---- Mutations (see the module of each resource) ----------------------------------------------------------

  createCustomer(input: StoreInput): EmulatedWooCustomer {
    return customers.createCustomer(this, input);
  }
  updateCustomer(id: number, input: StoreInput): EmulatedWooCustomer {
    return customers.updateCustomer(this, id, input);
  }
  deleteCustomer(id: number): EmulatedWooCustomer {
    return customers.deleteCustomer(this, id);
  }
  setRole(id: number, role: string, via: customers.RoleChange = "set_role"): EmulatedWooCustomer {
    return customers.setRole(this, id, role, via);
  }

  createOrder(input: StoreInput): EmulatedWooOrder {
    return orders.createOrder(this, input);
  }
  updateOrder(id: number, input: StoreInput): EmulatedWooOrder {
    return orders.updateOrder(this, id, input);
  }
  deleteOrder(id: number, force: boolean): EmulatedWooOrder {
    return orders.deleteOrder(this, id, force);
  }
  restoreOrder(id: number): EmulatedWooOrder {
    return orders.restoreOrder(this, id);
  }
  refundOrder(id: number, input: StoreInput, options?: orders.RefundOptions): EmulatedWooOrder {
    return orders.refundOrder(this, id, input, options);
  }

  createProduct(input: StoreInput): EmulatedWooProduct {
    return products.createProduct(this, input);
  }
  updateProduct(id: number, input: StoreInput): EmulatedWooProduct {
    return products.updateProduct(this, id, input);
  }
  deleteProduct(id: number, force: boolean): EmulatedWooProduct {
    return products.deleteProduct(this, id, force);
  }
  restoreProduct(id: number): EmulatedWooProduct {
    return products.restoreProduct(this, id);
  }
  createVariation(productId: number, input: StoreInput): EmulatedWooVariation {
    return products.createVariation(this, productId, input);
  }
  updateVariation(productId: number, id: number, input: StoreInput): EmulatedWooVariation {
    return products.updateVariation(this, productId, id, input);
  }
  deleteVariation(productId: number, id: number): EmulatedWooVariation {
    return products.deleteVariation(this, productId, id);
  }

  createWebhook(input: StoreInput, userId: number): EmulatedWooWebhook {
    return webhooks.createWebhook(this, input, userId);
  }
  updateWebhook(id: number, input: StoreInput): EmulatedWooWebhook {
    return webhooks.updateWebhook(this, id, input);
  }
  deleteWebhook(id: number): EmulatedWooWebhook {
    return webhooks.deleteWebhook(this, id);
  }
}
