/**
 * Emulated store activity for `npm run demo`: every few seconds a new customer places an order in the Shopify
 * emulator and in the WooCommerce emulator, and an earlier demo customer changes their name, so webhooks arrive and
 * the app's numbers move. Uses the emulators' control APIs (which fire the same webhooks as real changes).
 */

export interface ActivityTargets {
  shopifyUrl: string;
  shop: string;
  wooUrl: string;
  intervalMs: number;
  log: (line: string) => void;
}

async function post(url: string, body: unknown, method = "POST"): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok)
    throw new Error(`${method} ${url} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  return (await res.json()) as Record<string, unknown>;
}

const FIRST = ["Ada", "Bruno", "Chloé", "Dmitri", "Esi", "Farah", "Goran", "Hana", "Iker", "Jun"];
const LAST = ["Ito", "Keller", "Lopez", "Mensah", "Novak", "Okafor", "Pérez", "Quinn", "Rossi", "Sato"];

/** One tick: a new Shopify customer + order, a new Woo customer + order, and a name change on an earlier one. */
async function tick(t: ActivityTargets, n: number, created: { shopify: string[]; woo: number[] }) {
  const first = FIRST[n % FIRST.length];
  const last = LAST[(n * 7) % LAST.length];
  const email = `demo.${Date.now().toString(36)}.${n}@example.com`;
  const amount = `${10 + ((n * 37) % 190)}.${String((n * 13) % 100).padStart(2, "0")}`;
  const shopBase = `${t.shopifyUrl}/_emulator/shops/${encodeURIComponent(t.shop)}`;
  const customer = await post(`${shopBase}/customers`, { firstName: first, lastName: last, email });
  const customerId = String(customer.id);
  created.shopify.push(customerId);
  await post(`${shopBase}/orders`, {
    email,
    customerId,
    subtotalPrice: amount,
    totalPrice: amount,
    financialStatus: n % 5 === 0 ? "PENDING" : "PAID",
  });
  const wooCustomer = await post(`${t.wooUrl}/_emulator/customers`, {
    email: `woo.${email}`,
    first_name: first,
    last_name: last,
    billing: { first_name: first, last_name: last, email: `woo.${email}` },
  });
  created.woo.push(Number(wooCustomer.id));
  await post(`${t.wooUrl}/_emulator/orders`, {
    customer_id: wooCustomer.id,
    status: "processing",
    billing: { first_name: first, last_name: last, email: `woo.${email}` },
    line_items: [{ name: "Demo mug", quantity: 1, total: amount, subtotal: amount }],
  });
  if (created.shopify.length > 1) {
    const earlier = created.shopify[n % (created.shopify.length - 1)];
    await post(`${shopBase}/customers/${earlier}`, { lastName: `${last}-${n}` }, "PATCH");
  }
  if (created.woo.length > 1) {
    const earlier = created.woo[n % (created.woo.length - 1)];
    await post(`${t.wooUrl}/_emulator/customers/${earlier}`, { last_name: `${last}-${n}` }, "PUT");
  }
}

/** Starts the activity loop; returns a stop function. Failures are printed, never fatal (the demo goes on). */
export function startActivity(t: ActivityTargets): () => void {
  let n = 0;
  let stopped = false;
  const created = { shopify: [] as string[], woo: [] as number[] };
  let running = false;
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = true;
    tick(t, n++, created)
      .catch((error: Error) => t.log(`Emulated activity: ${error.message}`))
      .finally(() => {
        running = false;
      });
  }, t.intervalMs);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
