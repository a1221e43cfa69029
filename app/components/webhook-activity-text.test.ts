import { describe, expect, it } from "vitest";
import { webhookActivityNotes, webhookRecordLabel } from "./webhook-activity-text";

describe("webhookActivityNotes", () => {
  it("promises live changes and reports checks only for a store that is still connected", () => {
    expect(webhookActivityNotes({ disconnected: false }).noEvents).toMatch(/within seconds/);
    expect(webhookActivityNotes({ disconnected: false }).noRepairs).toMatch(/in place at every check/);
  });

  it("tells a disconnected store's page that no webhook arrives and nothing is checked", () => {
    const notes = webhookActivityNotes({ disconnected: true });
    expect(notes.noEvents).not.toMatch(/within seconds/);
    expect(notes.noEvents).toMatch(/disconnected/);
    expect(notes.noRepairs).not.toMatch(/every check/);
    // Not "its webhooks were removed": a disconnect whose store could not be reached leaves them there.
    expect(notes.noEvents).not.toMatch(/removed/);
  });

  it("promises nothing of webhooks for a store with a read-only key", () => {
    const notes = webhookActivityNotes({ disconnected: false, readOnlyKey: true });
    expect(notes.noEvents).not.toMatch(/within seconds/);
    expect(notes.noEvents).toMatch(/scheduled checks/);
    expect(notes.noRepairs).not.toMatch(/in place at every check/);
    // Disconnected comes first.
    expect(webhookActivityNotes({ disconnected: true, readOnlyKey: true })).toEqual(
      webhookActivityNotes({ disconnected: true }),
    );
  });
});

describe("webhookRecordLabel", () => {
  it("names a Shopify record by its kind and number, not its GID", () => {
    expect(webhookRecordLabel("customers/update", "gid://shopify/Customer/13956000000027")).toBe(
      "Customer 13956000000027",
    );
    expect(webhookRecordLabel("orders/create", "gid://shopify/Order/9007199254740993")).toBe(
      "Order 9007199254740993",
    );
    expect(webhookRecordLabel("bulk_operations/finish", "gid://shopify/BulkOperation/1")).toBe(
      "Bulk operation 1",
    );
  });

  it("names a WooCommerce record by its topic", () => {
    expect(webhookRecordLabel("order.updated", "1203")).toBe("Order 1203");
    expect(webhookRecordLabel("customer.deleted", "77")).toBe("Customer 77");
    expect(webhookRecordLabel("product.created", "15")).toBe("Product 15");
  });

  it("keeps anything else as it came, and says nothing without an id", () => {
    expect(webhookRecordLabel("action.woocommerce_x", "5")).toBe("Record 5");
    expect(webhookRecordLabel("app/uninstalled", null)).toBe("");
  });
});
