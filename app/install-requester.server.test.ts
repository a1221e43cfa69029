import { describe, expect, it } from "vitest";
import { asRequestedInstall, installRequestedBy } from "./install-requester.server";

describe("installRequestedBy", () => {
  const SHOP = "acme.myshopify.com";

  it("GIVEN a reconnect asked for new access THEN the install it runs (later in the same request) reads who asked", async () => {
    const seen = await asRequestedInstall({ shop: SHOP, syncTriggeredBy: `merchant:${SHOP}` }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      return installRequestedBy(SHOP);
    });
    expect(seen).toBe(`merchant:${SHOP}`);
  });

  it("GIVEN an install nobody asked for here, or another shop's THEN nothing is read (it stays the install's)", async () => {
    expect(installRequestedBy(SHOP)).toBeUndefined();
    const other = await asRequestedInstall({ shop: SHOP, syncTriggeredBy: `merchant:${SHOP}` }, async () =>
      installRequestedBy("other.myshopify.com"),
    );
    expect(other).toBeUndefined();
  });
});
