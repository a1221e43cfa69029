/** Bad-input cases of a client over the connect limits (ADR 0057): refused with the message, the store not asked. */
import {
  ADDRESS_LIMITED,
  api,
  COUNTED,
  connectForm,
  overConnectLimit,
  pendingToken,
  type Case,
} from "./requests";

export const CONNECT_LIMIT_CASES: Case[] = [
  // ── Connect limits (ADR 0057): a client that used up its attempts; the store is not asked ──────────────
  {
    name: "11th connect attempt from one client within 10 minutes",
    request: async (c) => {
      const r = connectForm({ storeUrl: "https://store.example.com" });
      return { ...r, headers: { ...r.headers, "X-Forwarded-For": await overConnectLimit(c, "198.19.1.1") } };
    },
    status: 429,
    message: ADDRESS_LIMITED,
    mayChange: COUNTED,
  },
  {
    name: "key approval started by a client over the connect limit",
    request: async (c) => ({
      ...connectForm({}),
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Forwarded-For": await overConnectLimit(c, "198.19.1.2"),
      },
      body: new URLSearchParams({ intent: "approve", storeUrl: "https://store.example.com" }).toString(),
    }),
    status: 429,
    message: ADDRESS_LIMITED,
    mayChange: COUNTED,
  },
  {
    name: "client over the connect limit writing another address before the proxy's",
    request: async (c) => {
      const r = connectForm({ storeUrl: "https://store.example.com" });
      const address = await overConnectLimit(c, "198.19.1.3");
      return { ...r, headers: { ...r.headers, "X-Forwarded-For": `198.51.100.77, ${address}` } };
    },
    status: 429,
    message: ADDRESS_LIMITED,
    mayChange: COUNTED,
  },
  {
    name: "embedded connect by a client over the connect limit",
    request: async (c) => ({
      method: "POST",
      path: "/app/woocommerce/connect",
      headers: {
        Authorization: `Bearer ${await pendingToken(c, {})}`,
        "Content-Type": "application/x-www-form-urlencoded",
        // shopify-app-remix answers 410 to a bot's user agent (fetch's "node" is one) before the route runs.
        "User-Agent":
          "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
        "X-Forwarded-For": await overConnectLimit(c, "198.19.1.4"),
      },
      body: new URLSearchParams({
        storeUrl: "https://store.example.com",
        consumerKey: `ck_${"1".repeat(40)}`,
        consumerSecret: `cs_${"2".repeat(40)}`,
      }).toString(),
    }),
    status: 429,
    message: ADDRESS_LIMITED,
    mayChange: COUNTED,
  },
  {
    name: "API connect by a client over the connect limit",
    request: async (c) => {
      const r = api(c, {
        method: "POST",
        path: "/api/integrations/woocommerce/connect",
        body: JSON.stringify({
          storeUrl: "https://store.example.com",
          consumerKey: `ck_${"1".repeat(40)}`,
          consumerSecret: `cs_${"2".repeat(40)}`,
        }),
      });
      return { ...r, headers: { ...r.headers, "X-Forwarded-For": await overConnectLimit(c, "198.19.1.5") } };
    },
    status: 429,
    message: /"code":"rate_limited".*Too many connection attempts from this address/,
    mayChange: COUNTED,
  },
];
