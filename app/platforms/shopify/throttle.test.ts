import { describe, expect, it } from "vitest";
import { ShopifyThrottle } from "./throttle";

describe("ShopifyThrottle", () => {
  it("GIVEN no report from Shopify yet WHEN asked THEN nothing waits", () => {
    expect(new ShopifyThrottle(() => 0).delayBeforeMs("CustomersPage")).toBe(0);
  });

  it("GIVEN Shopify's last status WHEN the operation's requested cost does not fit THEN it waits exactly until it does", () => {
    let now = 0;
    const throttle = new ShopifyThrottle(() => now);
    throttle.observe("OrdersPage", {
      requestedQueryCost: 900,
      actualQueryCost: 120,
      throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 400, restoreRate: 100 },
    });
    expect(throttle.delayBeforeMs("OrdersPage")).toBe(5_000);
    now = 2_000; // 600 available now
    expect(throttle.delayBeforeMs("OrdersPage")).toBe(3_000);
    now = 5_000;
    expect(throttle.delayBeforeMs("OrdersPage")).toBe(0);
    // The bucket never holds more than its maximum.
    now = 60_000;
    expect(throttle.availablePoints()).toBe(1000);
  });

  it("GIVEN an emulator whose time runs 10× faster WHEN the cost does not fit THEN every wait is a tenth", () => {
    let now = 0;
    const throttle = new ShopifyThrottle(() => now, 10);
    throttle.observe("OrdersPage", {
      requestedQueryCost: 900,
      actualQueryCost: 120,
      throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 400, restoreRate: 100 },
    });
    expect(throttle.delayBeforeMs("OrdersPage")).toBe(500);
    now = 200; // 2 emulated seconds: 600 available
    expect(throttle.delayBeforeMs("OrdersPage")).toBe(300);
    expect(throttle.waitAfterThrottleMs("OrdersPage")).toBe(500);
  });

  it("GIVEN a request in flight WHEN another one asks THEN the first one's points are reserved", () => {
    const throttle = new ShopifyThrottle(() => 0);
    throttle.observe("Page", {
      requestedQueryCost: 600,
      throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 1000, restoreRate: 50 },
    });
    expect(throttle.delayBeforeMs("Page")).toBe(0);
    const release = throttle.reserve("Page");
    expect(throttle.delayBeforeMs("Page")).toBe(4_000);
    release();
    release();
    expect(throttle.delayBeforeMs("Page")).toBe(0);
  });

  it("GIVEN a query dearer than the whole bucket WHEN asked THEN it is sent (Shopify answers MAX_COST_EXCEEDED)", () => {
    const throttle = new ShopifyThrottle(() => 0);
    throttle.observe("Huge", {
      requestedQueryCost: 5000,
      throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 10, restoreRate: 50 },
    });
    expect(throttle.delayBeforeMs("Huge")).toBe(0);
  });
});
