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
    expect(webhookRecordLabel("gid://shopify/Customer/13956000000027")).toBe("Customer 13956000000027");
    expect(webhookRecordLabel("gid://shopify/Order/9007199254740993")).toBe("Order 9007199254740993");
    expect(webhookRecordLabel("gid://shopify/BulkOperation/1")).toBe("Bulk operation 1");
  });

  it("names a WooCommerce record as the intake stores it (kind:id)", () => {
    expect(webhookRecordLabel("order:3184")).toBe("Order 3184");
    expect(webhookRecordLabel("customer:1208")).toBe("Customer 1208");
    expect(webhookRecordLabel("product:15")).toBe("Product 15");
  });

  it("keeps anything else as it came, and says nothing without an id", () => {
    expect(webhookRecordLabel("coupon:5")).toBe("Record coupon:5");
    expect(webhookRecordLabel("5")).toBe("Record 5");
    expect(webhookRecordLabel(null)).toBe("");
  });
});
