/**
 * What a WooCommerce owner is told for the store's refusals: a 403 from WooCommerce itself (the key's user lacks the
 * capability) and a 403 from something in front of it (a security plugin, a firewall) need different fixes.
 */
import { describe, expect, it } from "vitest";
import { errorFromResponse } from "./errors";

describe("errorFromResponse", () => {
  it("GIVEN WooCommerce's own 403 WHEN described THEN the key's user and where to change it are named", () => {
    const error = errorFromResponse(
      403,
      {
        code: "woocommerce_rest_cannot_view",
        message: "Sorry, you cannot list resources.",
        data: { status: 403 },
      },
      {},
      "GET /wc/v3/orders",
    );
    expect(error.kind).toBe("forbidden");
    expect(error.message).toBe(
      "WooCommerce refused GET /wc/v3/orders to the API key's WordPress user (403). WooCommerce said: \"Sorry, you cannot list " +
        'resources." (woocommerce_rest_cannot_view). A key acts with the permissions of the user it belongs to: ' +
        "create it for an administrator or shop manager (WooCommerce → Settings → Advanced → REST API → User).",
    );
  });

  it("GIVEN a 403 page from a firewall WHEN described THEN the REST API being blocked is named", () => {
    const error = errorFromResponse(403, "<html>Access denied</html>", {}, "GET /wc/v3/orders");
    expect(error.kind).toBe("forbidden");
    expect(error.message).toMatch(/^The store refused access \(403\)\. A security plugin or firewall/);
  });
});
