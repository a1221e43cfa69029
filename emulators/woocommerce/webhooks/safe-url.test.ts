/**
 * WordPress's `wp_http_validate_url` (wp-includes/http.php), which `wp_safe_remote_request` / `_post` apply to every
 * webhook delivery and creation ping of WooCommerce (`WC_Webhook::deliver`, `deliver_ping`).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../server";
import { startReceiver, wooClient } from "../test-helpers";
import { refusedBySafeRemoteRequest } from "./safe-url";

const lookup = async (host: string) =>
  ({ "shop.example.com": "93.184.216.34", "app.example.net": "93.184.216.35", intranet: "10.1.2.3" })[host] ??
  null;

describe("wp_http_validate_url", () => {
  const home = "https://shop.example.com";
  const refused = (url: string, site = home) => refusedBySafeRemoteRequest(url, site, lookup);

  it("lets public hosts through on no port or 80, 443, 8080, and refuses any other port", async () => {
    expect(await refused("https://app.example.net/hook")).toBe(false);
    expect(await refused("http://93.184.216.35:80/hook")).toBe(false);
    expect(await refused("https://93.184.216.35:443/hook")).toBe(false);
    expect(await refused("http://93.184.216.35:8080/hook")).toBe(false);
    expect(await refused("https://93.184.216.35:3000/hook")).toBe(true);
    expect(await refused("https://93.184.216.35:8443/hook")).toBe(true);
  });

  it("refuses loopback and private addresses of another host, and names that resolve to them", async () => {
    for (const url of [
      "http://127.0.0.1/hook",
      "http://10.0.0.5/hook",
      "http://172.16.4.4/hook",
      "http://192.168.1.10/hook",
      "http://0.0.0.0/hook",
      "http://intranet/hook",
    ]) {
      expect(await refused(url)).toBe(true);
    }
    expect(await refused("http://172.32.0.1/hook")).toBe(false);
    expect(await refused("http://unknown-host.invalid/hook")).toBe(true); // gethostbyname fails
  });

  it("trusts the site's own host: any address, and its own port besides 80, 443 and 8080", async () => {
    const site = "http://127.0.0.1:8088";
    expect(await refused("http://127.0.0.1:8088/hook", site)).toBe(false);
    expect(await refused("http://127.0.0.1/hook", site)).toBe(false);
    expect(await refused("http://127.0.0.1:9099/hook", site)).toBe(true);
    expect(await refused("http://localhost:8088/hook", site)).toBe(true); // another name is another host
  });

  it("refuses credentials in the URL and schemes other than http(s)", async () => {
    expect(await refused("https://user:pw@app.example.net/hook")).toBe(true);
    expect(await refused("ftp://app.example.net/hook")).toBe(true);
  });
});

describe("an emulated store that applies wp_safe_remote_request's rules (safeRemoteRequests)", () => {
  let woo: WooEmulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    woo = await startWooEmulator({
      counts: { customers: 1, orders: 1, products: 1 },
      autoDeliver: false,
      safeRemoteRequests: true,
    });
    receiver = await startReceiver(200);
  });
  afterAll(async () => {
    await receiver.close();
    await woo.close();
  });

  it("sends neither the creation ping nor deliveries to a loopback port it refuses, and counts them as failures", async () => {
    const client = wooClient(woo.url, woo.createKey("read_write"));
    const created = await client.post("webhooks", {
      topic: "customer.updated",
      delivery_url: `${receiver.url}/hook`,
      secret: "s",
    });
    woo.store.updateCustomer(2, { first_name: "Refused" });
    await woo.flushDeliveries();
    expect(receiver.received).toEqual([]);
    const log = woo.deliveries.log.map((d) => [d.kind, d.success, d.error]);
    expect(log).toEqual([
      ["ping", false, "A valid URL was not provided."],
      ["webhook", false, "A valid URL was not provided."],
    ]);
    expect(woo.store.webhooks.get(created.data.id as number)!.failureCount).toBe(1);
  });
});
