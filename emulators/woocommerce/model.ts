/**
 * The WooCommerce emulator's in-memory records. They are kept compact (money in integer cents, times in epoch
 * milliseconds) so that 100,000 customers and orders fit comfortably; `render.ts` turns them into the exact
 * REST v3 bodies of WooCommerce 11.0.1.
 */

/** Source of "now" in epoch milliseconds; tests inject a manual clock instead of sleeping. */
export interface Clock {
  now(): number;
}

export interface WooAddress {
  first_name: string;
  last_name: string;
  company: string;
  address_1: string;
  address_2: string;
  city: string;
  state: string;
  postcode: string;
  country: string;
  email?: string;
  phone: string;
}

export interface MetaDatum {
  id: number;
  key: string;
  value: string;
}

export interface CustomerRecord {
  id: number;
  createdMs: number;
  modifiedMs: number;
  email: string;
  firstName: string;
  lastName: string;
  username: string;
  role: string;
  billing: WooAddress;
  shipping: WooAddress;
  isPayingCustomer: boolean;
  metaData: MetaDatum[];
}

export interface ProductAttribute {
  id: number;
  name: string;
  slug: string;
  position: number;
  visible: boolean;
  variation: boolean;
  options: string[];
}

export interface ProductRecord {
  id: number;
  name: string;
  slug: string;
  type: "simple" | "variable";
  status: string;
  featured: boolean;
  description: string;
  shortDescription: string;
  sku: string;
  /** Cents; null = no price (variable parents derive theirs from variations). */
  regularPriceCents: number | null;
  salePriceCents: number | null;
  createdMs: number;
  modifiedMs: number;
  manageStock: boolean;
  stockQuantity: number | null;
  totalSales: number;
  categories: { id: number; name: string; slug: string }[];
  attributes: ProductAttribute[];
  variationIds: number[];
  weight: string;
  metaData: MetaDatum[];
  /** Status before trashing, restored on untrash. */
  trashedFrom?: string;
}

export interface VariationRecord {
  id: number;
  parentId: number;
  sku: string;
  regularPriceCents: number;
  salePriceCents: number | null;
  status: string;
  createdMs: number;
  modifiedMs: number;
  manageStock: boolean;
  stockQuantity: number | null;
  attributes: { id: number; name: string; option: string }[];
  description: string;
  menuOrder: number;
  metaData: MetaDatum[];
}

export interface LineItemRecord {
  id: number;
  name: string;
  productId: number;
  variationId: number;
  quantity: number;
  sku: string;
  /** Unit price in cents (rendered as a JSON number, as real WooCommerce does). */
  unitPriceCents: number;
  subtotalCents: number;
  totalCents: number;
  parentName: string | null;
  metaData: MetaDatum[];
}

export interface ShippingLineRecord {
  id: number;
  methodTitle: string;
  methodId: string;
  instanceId: string;
  totalCents: number;
}

export interface RefundRecord {
  id: number;
  reason: string;
  amountCents: number;
  createdMs: number;
}

export interface OrderRecord {
  id: number;
  parentId: number;
  status: string;
  currency: string;
  createdMs: number;
  modifiedMs: number;
  paidMs: number | null;
  completedMs: number | null;
  customerId: number;
  orderKey: string;
  billing: WooAddress;
  shipping: WooAddress;
  paymentMethod: string;
  paymentMethodTitle: string;
  transactionId: string;
  createdVia: string;
  customerNote: string;
  lineItems: LineItemRecord[];
  shippingLines: ShippingLineRecord[];
  discountCents: number;
  refunds: RefundRecord[];
  metaData: MetaDatum[];
  /** Status before trashing, restored on untrash. */
  trashedFrom?: string;
}

export type KeyPermissions = "read" | "write" | "read_write";

export interface ApiKeyRecord {
  keyId: number;
  userId: number;
  description: string;
  permissions: KeyPermissions;
  consumerKey: string;
  consumerSecret: string;
  /** WooCommerce keeps used nonces keyed by their timestamp (so a second nonce with the same timestamp replaces it). */
  nonces: Map<number, string>;
  lastAccessMs: number | null;
}

export type WebhookStatus = "active" | "paused" | "disabled";

export interface WebhookRecord {
  id: number;
  name: string;
  status: WebhookStatus;
  topic: string;
  deliveryUrl: string;
  secret: string;
  createdMs: number;
  modifiedMs: number;
  failureCount: number;
  userId: number;
}

/** Formats cents as WooCommerce money: "29.99", "-10.00". */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(Math.round(cents));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** Parses a WooCommerce money string ("29.99", "3", 12.5) to cents; null when empty or not a number. */
export function parseCents(value: unknown): number | null {
  if (typeof value === "number" && Number.isFinite(value)) return Math.round(value * 100);
  if (typeof value !== "string" || value.trim() === "") return null;
  const match = /^\s*(-)?(\d*)(?:\.(\d*))?\s*$/.exec(value);
  if (!match || (match[2] === "" && !match[3])) return null;
  const cents = Number(match[2] || "0") * 100 + Number((match[3] ?? "").slice(0, 2).padEnd(2, "0"));
  return match[1] ? -cents : cents;
}

export function emptyAddress(withEmail: boolean): WooAddress {
  const address: WooAddress = {
    first_name: "",
    last_name: "",
    company: "",
    address_1: "",
    address_2: "",
    city: "",
    state: "",
    postcode: "",
    country: "",
    phone: "",
  };
  if (withEmail) address.email = "";
  return address;
}
