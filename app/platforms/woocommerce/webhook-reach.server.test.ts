/**
 * A real WordPress delivers webhooks and creation pings through `wp_safe_remote_request`, which by default refuses an
 * app address on a port other than 80, 443 and 8080 or on a private or loopback address (wp_http_validate_url; the
 * emulator's `safeRemoteRequests`). The owner must learn that WordPress itself refused the address, and why.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../../../emulators/woocommerce/server";
import { testPlatform } from "./testing/harness";
import { unreachableProblem } from "./webhook-pings.server";

describe("a store that applies WordPress's safe-request rules to the app's webhook address", () => {
  let woo: WooEmulator;
  let app: http.Server;
  let appUrl: string;
  const pings: Date[] = [];
  beforeAll(async () => {
    woo = await startWooEmulator({
      counts: { customers: 1, orders: 1, products: 1 },
      autoDeliver: false,
      safeRemoteRequests: true,
    });
    app = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        pings.push(new Date());
        res.end("pong");
      });
    });
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => app.close(resolve));
    await woo.close();
  });

  it("reports that WordPress refuses the app's port, not only that no ping came", async () => {
    const platform = testPlatform({ appUrl });
    const key = woo.createKey("read_write");
    const client = platform.connector.client(woo.url, {
      consumerKey: key.consumer_key,
      consumerSecret: key.consumer_secret,
    });
    const report = await platform.connector.ensureWebhooks(client, {
      integrationId: "int-reach-0001",
      secret: "s3cret",
      pingSince: async (since) => pings.some((at) => at >= since),
    });
    expect(pings).toEqual([]);
    const [problem] = report.problems;
    expect(problem).toContain(`could not reach Commerce Sync at ${appUrl}`);
    expect(problem).toMatch(/WordPress .* only to ports 80, 443 and 8080/);
    expect(problem).toContain(`port ${new URL(appUrl).port}`);
    expect(problem).toMatch(/private or loopback address/);
    platform.close();
  });
});

describe("the unreachable-store problem names WordPress's own refusals", () => {
  it("says nothing more for a public https address on the standard port", () => {
    const problem = unreachableProblem("https://sync.example.com/api/webhooks/woocommerce?integration=abc");
    expect(problem).not.toMatch(/port|private/);
  });

  it("names a non-standard port and a private address, each on its own", () => {
    expect(
      unreachableProblem("https://sync.example.com:8443/api/webhooks/woocommerce?integration=a"),
    ).toMatch(/port 8443/);
    expect(
      unreachableProblem("https://sync.example.com:8443/api/webhooks/woocommerce?integration=a"),
    ).not.toMatch(/private/);
    const local = unreachableProblem("http://localhost/api/webhooks/woocommerce?integration=a");
    expect(local).toMatch(/private or loopback address/);
    expect(local).not.toMatch(/port/);
    expect(unreachableProblem("http://192.168.1.20:8080/x")).toMatch(/private or loopback address/);
  });
});
