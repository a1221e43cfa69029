import { describe, expect, it } from "vitest";
import { ownerStorePageAfterConnect } from "./links";

describe("ownerStorePageAfterConnect", () => {
  it("tells a new store, a store read again in full and a sign-in apart", () => {
    const page = (created: boolean, initialSync: "full" | "incremental") =>
      ownerStorePageAfterConnect({ integrationId: "s1", created, initialSync });
    expect(page(true, "full")).toBe("/woocommerce/stores/s1?connected=1");
    // Reconnecting a disconnected store is not a sign-in: its data is read again.
    expect(page(false, "full")).toBe("/woocommerce/stores/s1?reconnected=1");
    expect(page(false, "incremental")).toBe("/woocommerce/stores/s1?signedin=1");
  });
});
