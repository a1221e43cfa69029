import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../server";
import { failure, startReceiver, wooClient } from "../test-helpers";

type Consumer = {
  key_id: number;
  user_id: string;
  consumer_key: string;
  consumer_secret: string;
  key_permissions: string;
};

describe("WooCommerce emulator key approval flow (/wc-auth/v1/authorize)", () => {
  let emulator: WooEmulator;
  let callback: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    emulator = await startWooEmulator({
      counts: { customers: 2, orders: 1, products: 1 },
      autoDeliver: false,
      allowHttpAuthCallback: true,
    });
  });
  afterAll(() => emulator.close());
  beforeEach(async () => {
    callback = await startReceiver(200);
  });
  afterEach(() => callback.close());

  function authorizeUrl(extra: Record<string, string> = {}): string {
    const url = new URL(`${emulator.url}/wc-auth/v1/authorize`);
    url.searchParams.set("app_name", "Commerce Sync");
    url.searchParams.set("scope", "read_write");
    url.searchParams.set("user_id", "shop-42");
    url.searchParams.set("return_url", "https://app.example.test/woo/return?from=woo");
    url.searchParams.set("callback_url", callback.url);
    for (const [k, v] of Object.entries(extra)) url.searchParams.set(k, v);
    return url.toString();
  }

  async function setMode(mode: "prompt" | "approve" | "deny") {
    const response = await fetch(`${emulator.url}/_emulator/wc-auth`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ mode }),
    });
    expect(response.status).toBe(200);
  }

  it("GIVEN auto-approve WHEN the callback answers 200 THEN the key is kept and the user returns with success=1", async () => {
    await setMode("approve");
    const response = await fetch(authorizeUrl(), { redirect: "manual" });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location")!);
    expect(location.origin + location.pathname).toBe("https://app.example.test/woo/return");
    expect(location.searchParams.get("from")).toBe("woo");
    expect(location.searchParams.get("success")).toBe("1");
    expect(location.searchParams.get("user_id")).toBe("shop-42");

    expect(callback.received).toHaveLength(1);
    expect(callback.received[0].method).toBe("POST");
    expect(callback.received[0].headers["content-type"]).toMatch(/^application\/json/);
    const consumer = JSON.parse(callback.received[0].body) as Consumer;
    expect(Object.keys(consumer)).toEqual([
      "key_id",
      "user_id",
      "consumer_key",
      "consumer_secret",
      "key_permissions",
    ]);
    expect(consumer.user_id).toBe("shop-42");
    expect(consumer.key_permissions).toBe("read_write");
    expect(consumer.consumer_key).toMatch(/^ck_[0-9a-f]{40}$/);
    const works = await wooClient(emulator.url, consumer).get("customers");
    expect(works.status).toBe(200);
  });

  it("deletes the key when the callback answers anything but 200", async () => {
    await setMode("approve");
    callback.setStatus(201);
    const response = await fetch(authorizeUrl(), { redirect: "manual" });
    expect(response.status).toBe(401);
    expect(await response.text()).toContain("unable to send the consumer data");
    const consumer = JSON.parse(callback.received[0].body) as Consumer;
    const error = await failure(wooClient(emulator.url, consumer).get("customers"));
    expect(error.status).toBe(401);
    expect((error.data as { message: string }).message).toBe("Consumer key is invalid.");
  });

  it("redirects with success=0 on denial and creates no key", async () => {
    await setMode("deny");
    const keysBefore = emulator.store.keys.size;
    const response = await fetch(authorizeUrl(), { redirect: "manual" });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location")!);
    expect(location.searchParams.get("success")).toBe("0");
    expect(location.searchParams.get("user_id")).toBe("shop-42");
    expect(callback.received).toHaveLength(0);
    expect(emulator.store.keys.size).toBe(keysBefore);
  });

  it("shows an approve/deny page whose Approve link grants the key and whose Deny link returns success=0", async () => {
    await setMode("prompt");
    const page = await fetch(authorizeUrl({ scope: "read" }));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Commerce Sync would like to connect to your store");
    // auth/form-grant-access.php inside auth/header.php: the box, and the administrator the emulator acts as.
    expect(html).toContain('<div class="wc-auth-content">');
    expect(html).toMatch(/<p>Logged in as admin <a href="[^"]+" class="wc-auth-logout">Logout<\/a><\/p>/);
    const approve = /href="([^"]+)" class="button button-primary wc-auth-approve"/
      .exec(html)![1]
      .replace(/&amp;/g, "&");
    const deny = /href="([^"]+)" class="button wc-auth-deny"/.exec(html)![1].replace(/&amp;/g, "&");
    expect(new URL(deny).searchParams.get("success")).toBe("0");
    const granted = await fetch(approve, { redirect: "manual" });
    expect(granted.status).toBe(302);
    expect(new URL(granted.headers.get("location")!).searchParams.get("success")).toBe("1");
    expect((JSON.parse(callback.received[0].body) as Consumer).key_permissions).toBe("read");
  });

  it("prints the app name once through esc_html, as form-grant-access.php does (no &amp;amp;)", async () => {
    await setMode("prompt");
    const cases: Array<[string, string]> = [
      ["Sync & Co", "Sync &amp; Co"],
      ["Sync &amp; Co", "Sync &amp; Co"],
      ['Caf&eacute; "Sync"', "Caf&eacute; &quot;Sync&quot;"],
    ];
    for (const [name, printed] of cases) {
      const html = await (await fetch(authorizeUrl({ app_name: name }))).text();
      expect(html).toContain(`<h1>${printed} would like to connect to your store</h1>`);
      expect(html).toContain(
        `This will give "<strong>${printed}</strong>" <strong>Read/Write</strong> access`,
      );
      expect(html).not.toContain("&amp;amp;");
    }
  });

  it("names the scope and lists its permissions as WC_Auth does", async () => {
    await setMode("prompt");
    const expected: Record<string, [string, string[]]> = {
      read: ["Read", ["View coupons", "View customers", "View orders and sales reports", "View products"]],
      write: [
        "Write",
        ["Create webhooks", "Create coupons", "Create customers", "Create orders", "Create products"],
      ],
      read_write: [
        "Read/Write",
        [
          "Create webhooks",
          "View and manage coupons",
          "View and manage customers",
          "View and manage orders and sales reports",
          "View and manage products",
        ],
      ],
    };
    for (const [scope, [label, permissions]] of Object.entries(expected)) {
      const html = await (await fetch(authorizeUrl({ scope }))).text();
      expect(html).toContain(`<strong>${label}</strong> access which will allow it to:`);
      const items = [...html.matchAll(/<li>([^<]*)<\/li>/g)].map((m) => m[1]);
      expect(items).toEqual(permissions);
    }
  });

  it("requires every parameter and a valid scope", async () => {
    await setMode("approve");
    const missing = await fetch(`${emulator.url}/wc-auth/v1/authorize?app_name=x`);
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain("Missing parameter");
    const scope = await fetch(authorizeUrl({ scope: "admin" }));
    expect(scope.status).toBe(400);
    expect(await scope.text()).toContain("Invalid scope admin");
  });
});

describe("WooCommerce emulator key approval flow with real-store callback rules", () => {
  it("refuses a callback_url that is not https, as a real store does", async () => {
    const emulator = await startWooEmulator({
      counts: { customers: 0, orders: 0, products: 0 },
      autoDeliver: false,
      wcAuthMode: "approve",
    });
    try {
      const url = new URL(`${emulator.url}/wc-auth/v1/authorize`);
      for (const [k, v] of Object.entries({
        app_name: "A",
        scope: "read",
        user_id: "1",
        return_url: "https://app.example.test/r",
        callback_url: "http://127.0.0.1:9/cb",
      })) {
        url.searchParams.set(k, v);
      }
      const response = await fetch(url, { redirect: "manual" });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain("The callback_url needs to be over SSL");
    } finally {
      await emulator.close();
    }
  });
});
