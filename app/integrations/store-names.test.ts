import { describe, expect, it } from "vitest";
import { distinctStoreNames } from "./orders-view.server";

describe("distinctStoreNames", () => {
  it("adds the address only to stores whose name another store of the organization also has", () => {
    expect(
      distinctStoreNames([
        { id: "a", name: "Demo", storeKey: "demo.myshopify.com" },
        { id: "b", name: "Acme Store", storeKey: "https://acme.example" },
        { id: "c", name: "Acme Store", storeKey: "https://acme-outlet.example" },
      ]),
    ).toEqual([
      { id: "a", name: "Demo" },
      { id: "b", name: "Acme Store (https://acme.example)" },
      { id: "c", name: "Acme Store (https://acme-outlet.example)" },
    ]);
  });
});
