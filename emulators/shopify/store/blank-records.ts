/**
 * A record with every field at the value Shopify gives a field nobody filled in. The control API starts records it
 * creates from these (the caller's fields win), and search uses them as stand-ins to tell a supported search field
 * from an unknown one. One place, so a field added to the model is added to both.
 */
import type { EmuCustomer, EmuOrder, EmuProduct } from "../model";

export function blankCustomer(id: bigint, now: Date, currency: string): EmuCustomer {
  return {
    id,
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
    currency,
    createdAt: now,
    updatedAt: now,
  };
}

/** `number` is the shop's next order number; the name is `#<number>`, as Shopify shows it. */
export function blankOrder(id: bigint, now: Date, currency: string, number: number): EmuOrder {
  return {
    id,
    name: `#${number}`,
    number,
    email: null,
    phone: null,
    customerId: null,
    currency,
    presentmentCurrency: currency,
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
    createdAt: now,
    updatedAt: now,
  };
}

/** Shopify names a product created without a title "Untitled"; the vendor defaults to the shop's name. */
export function blankProduct(id: bigint, now: Date, vendor: string): EmuProduct {
  return {
    id,
    title: "Untitled",
    handle: "untitled",
    descriptionHtml: "",
    vendor,
    productType: "",
    status: "ACTIVE",
    tags: [],
    variants: [],
    createdAt: now,
    updatedAt: now,
    publishedAt: null,
  };
}
