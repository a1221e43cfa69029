/** Bad-input cases of the WooCommerce connect form: SSRF, malformed keys, oversized fields. */
import { COUNTED, connectForm, type Case } from "./requests";

export const CONNECT_FORM_CASES: Case[] = [
  // ── WooCommerce connect form (SSRF, malformed keys, oversized fields) ─────────────────────────────────
  {
    name: "connect to a private IPv4 store URL",
    request: () => connectForm({ storeUrl: "http://10.0.0.5" }),
    status: 400,
    message: /private network/,
    mayChange: COUNTED,
  },
  {
    name: "connect to the IPv6 loopback",
    request: () => connectForm({ storeUrl: "http://[::1]:8080" }),
    status: 400,
    message: /loopback/,
    mayChange: COUNTED,
  },
  {
    name: "connect to an IPv4-mapped IPv6 loopback",
    request: () => connectForm({ storeUrl: "http://[::ffff:127.0.0.1]/" }),
    status: 400,
    message: /loopback/,
    mayChange: COUNTED,
  },
  {
    name: "connect to a DNS name that resolves to loopback",
    request: () => connectForm({ storeUrl: "http://localhost:4200" }),
    status: 400,
    message: /loopback/,
    mayChange: COUNTED,
  },
  {
    name: "connect to the cloud metadata address",
    request: () => connectForm({ storeUrl: "http://169.254.169.254/latest/meta-data" }),
    status: 400,
    message: /metadata|link-local/,
    mayChange: COUNTED,
  },
  {
    name: "connect to a decimal-encoded loopback address",
    request: () => connectForm({ storeUrl: "http://2130706433/" }),
    status: 400,
    message: /loopback/,
    mayChange: COUNTED,
  },
  {
    name: "connect to the unspecified address",
    request: () => connectForm({ storeUrl: "http://0.0.0.0:80" }),
    status: 400,
    message: /unspecified|loopback/,
    mayChange: COUNTED,
  },
  {
    name: "key approval started for a private store URL",
    request: () => ({
      ...connectForm({ storeUrl: "http://192.168.1.20" }),
      body: new URLSearchParams({ intent: "approve", storeUrl: "http://192.168.1.20" }).toString(),
    }),
    status: 400,
    message: /private network/,
    mayChange: COUNTED,
  },
  {
    name: "connect with a store URL that is not a URL",
    request: () => connectForm({ storeUrl: "javascript:alert(1)" }),
    status: 400,
    message: /store address|URL|http/i,
  },
  {
    name: "connect with a malformed consumer key",
    request: () => connectForm({ storeUrl: "https://store.example.com", consumerKey: "not-a-key" }),
    status: 400,
    message: /consumer key/,
  },
  {
    name: "connect with key and secret swapped",
    request: () =>
      connectForm({
        storeUrl: "https://store.example.com",
        consumerKey: `cs_${"2".repeat(40)}`,
        consumerSecret: `ck_${"1".repeat(40)}`,
      }),
    status: 400,
    message: /swapped/,
  },
  {
    name: "connect with an oversized store URL field",
    request: () => connectForm({ storeUrl: `https://${"a".repeat(100_000)}.example.com` }),
    status: 400,
    message: /too long|store address/i,
  },
  {
    name: "connect posted from another site",
    request: () => ({
      ...connectForm({ storeUrl: "https://store.example.com" }),
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: "https://evil.example",
        "Sec-Fetch-Site": "cross-site",
      },
    }),
    status: 403,
    message: /Cross-site requests are not accepted/,
  },
];
