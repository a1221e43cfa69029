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

/** A buyer of tick `n` in one of the stores (`salt` keeps the two stores' buyers and baskets apart). */
export function buyer(n: number, salt: number) {
  const k = n * 3 + salt;
  return {
    first: FIRST[k % FIRST.length],
    last: LAST[(k * 7 + salt) % LAST.length],
    amount: `${10 + ((k * 37) % 190)}.${String((k * 13) % 100).padStart(2, "0")}`,
    // A later surname (a marriage, a typo fixed): another name of the list, not a numbered one.
    renamed: LAST[(k * 3 + 1) % LAST.length],
  };
}

/**
 * Which of the `count` customers created before tick `n` changes their name: spread over all of them by the golden
 * ratio's fractional steps. (`n % count` was always 0: at tick n, `count` is n, so one customer was renamed again
 * and again; any `(a * n + b) % n` is as stuck.)
 */
export function earlierIndex(n: number, count: number): number {
  return Math.floor(((n * 0.6180339887498949) % 1) * count);
}

/** One tick: a new Shopify customer + order, a new Woo customer + order, and a name change on an earlier one. */
async function tick(t: ActivityTargets, n: number, created: { shopify: string[]; woo: number[] }) {
  const stamp = Date.now().toString(36);
  const shopBuyer = buyer(n, 0);
  const email = `demo.${stamp}.${n}@example.com`;
  const shopBase = `${t.shopifyUrl}/_emulator/shops/${encodeURIComponent(t.shop)}`;
  const customer = await post(`${shopBase}/customers`, {
    firstName: shopBuyer.first,
    lastName: shopBuyer.last,
    email,
  });
  const customerId = String(customer.id);
  created.shopify.push(customerId);
  await post(`${shopBase}/orders`, {
    email,
    customerId,
    subtotalPrice: shopBuyer.amount,
    totalPrice: shopBuyer.amount,
    financialStatus: n % 5 === 0 ? "PENDING" : "PAID",
  });
  const wooBuyer = buyer(n, 1);
  const wooEmail = `woo.${stamp}.${n}@example.com`;
  const wooCustomer = await post(`${t.wooUrl}/_emulator/customers`, {
    email: wooEmail,
    first_name: wooBuyer.first,
    last_name: wooBuyer.last,
    billing: { first_name: wooBuyer.first, last_name: wooBuyer.last, email: wooEmail },
  });
  created.woo.push(Number(wooCustomer.id));
  await post(`${t.wooUrl}/_emulator/orders`, {
    customer_id: wooCustomer.id,
    status: n % 4 === 0 ? "on-hold" : "processing",
    billing: { first_name: wooBuyer.first, last_name: wooBuyer.last, email: wooEmail },
    line_items: [{ name: "Demo mug", quantity: 1, total: wooBuyer.amount, subtotal: wooBuyer.amount }],
  });
  if (created.shopify.length > 1) {
    const earlier = created.shopify[earlierIndex(n, created.shopify.length - 1)];
    await post(`${shopBase}/customers/${earlier}`, { lastName: shopBuyer.renamed }, "PATCH");
  }
  if (created.woo.length > 1) {
    const earlier = created.woo[earlierIndex(n, created.woo.length - 1)];
    await post(`${t.wooUrl}/_emulator/customers/${earlier}`, { last_name: wooBuyer.renamed }, "PUT");
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
