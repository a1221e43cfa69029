import { describe, expect, it } from "vitest";
import { deliveryFromRequest, deliveryHeader, deliveryText, responseFrom } from "./webhook-delivery";

describe("webhook deliveries", () => {
  it("reads a header by its lower-case name, repeated values joined as Fetch Headers join them", () => {
    const headers = { "x-shopify-topic": "orders/create", "set-cookie": ["a=1", "b=2"] };
    expect(deliveryHeader(headers, "x-shopify-topic")).toBe("orders/create");
    expect(deliveryHeader(headers, "set-cookie")).toBe("a=1, b=2");
    expect(deliveryHeader(headers, "x-shopify-hmac-sha256")).toBeNull();
  });

  it("decodes the body as UTF-8 without a leading byte-order mark, as Request.text() does", async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"name":"Zoë"}')]);
    expect(deliveryText(bytes)).toBe('{"name":"Zoë"}');
    expect(deliveryText(bytes)).toBe(await new Request("http://x/", { method: "POST", body: bytes }).text());
  });

  it("turns a Request into the same delivery node:http would hand over, and an answer into a Response", async () => {
    const body = Buffer.from([0x7b, 0xff, 0x7d]); // not valid UTF-8: kept byte for byte
    const delivery = await deliveryFromRequest(
      new Request("http://app.test/api/webhooks/woocommerce?integration=int_1", {
        method: "POST",
        headers: { "X-WC-Webhook-Topic": "order.updated" },
        body,
      }),
    );
    expect(delivery.method).toBe("POST");
    expect(deliveryHeader(delivery.headers, "x-wc-webhook-topic")).toBe("order.updated");
    expect(delivery.rawBody.equals(body)).toBe(true);
    expect(delivery.searchParams.get("integration")).toBe("int_1");

    const response = responseFrom({
      status: 401,
      headers: { "Content-Type": "text/plain" },
      body: "Invalid.",
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toBe("text/plain");
    expect(await response.text()).toBe("Invalid.");
  });
});
