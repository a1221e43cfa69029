import { describe, expect, it } from "vitest";
import { missingScopes, scopeProblems, SYNC_SCOPES } from "./access-scopes";

describe("granted access scopes", () => {
  it("GIVEN Shopify's scope answer WHEN compared with what the sync reads THEN write_x counts as read_x and only the missing ones are named", () => {
    expect(missingScopes("read_customers,write_orders,read_all_orders,read_products", SYNC_SCOPES)).toEqual(
      [],
    );
    expect(missingScopes("read_customers, read_orders,read_products", SYNC_SCOPES)).toEqual([
      "read_all_orders",
    ]);
    expect(missingScopes("", SYNC_SCOPES)).toEqual([...SYNC_SCOPES]);
  });

  it("GIVEN no scope answer at all WHEN checked THEN nothing is reported missing (nothing is known)", () => {
    expect(missingScopes(null, SYNC_SCOPES)).toEqual([]);
    expect(missingScopes(undefined, SYNC_SCOPES)).toEqual([]);
  });

  it("GIVEN read_all_orders missing WHEN explained THEN the merchant reads the 60-day gap and how to close it", () => {
    expect(scopeProblems(["read_all_orders"])).toEqual([
      expect.stringMatching(
        /read_all_orders.*orders older than 60 days are not synced.*approve its updated access/,
      ),
    ]);
    expect(scopeProblems(["read_customers", "read_all_orders"])).toHaveLength(2);
    expect(scopeProblems([])).toEqual([]);
  });
});
