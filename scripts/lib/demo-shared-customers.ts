/**
 * Customers who buy in both emulated stores under one email address, made through the emulators' control APIs (the
 * same paths a merchant's edits take, webhooks included), so the cross-store profile — the contacts page and the
 * customer admin block — has something real to show: consent, both stores, orders and total spent across them.
 * Used by `npm run demo` and the admin-block e2e test.
 */

export interface StoreTargets {
  shopifyUrl: string;
  shop: string;
  wooUrl: string;
}

export interface SharedCustomerInput {
  firstName: string;
  lastName: string;
  email: string;
  /** Order totals (exact decimal strings, USD) in the Shopify store and in the WooCommerce store. */
  shopifyOrders: string[];
  wooOrders: string[];
}

export interface SharedCustomer {
  email: string;
  name: string;
  shopifyCustomerId: string;
  wooCustomerId: number;
  ordersCount: number;
  /** The exact sum of every order, e.g. "165.50". */
  totalSpent: string;
}

async function send(url: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${url} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  return (await res.json()) as Record<string, unknown>;
}

const CENTS = /^(\d+)\.(\d{2})$/;

/** Exact sum of two-decimal amounts ("19.99" + "100.01" = "120.00"). */
export function sumAmounts(amounts: string[]): string {
  let cents = 0n;
  for (const amount of amounts) {
    const m = CENTS.exec(amount);
    if (!m) throw new Error(`Not a two-decimal amount: ${amount}`);
    cents += BigInt(m[1]) * 100n + BigInt(m[2]);
  }
  return `${cents / 100n}.${String(cents % 100n).padStart(2, "0")}`;
}

/**
 * Customers in both stores (subscribed to email in Shopify), with the given orders in each. WooCommerce first, then
 * — once its second-precision clock has moved on — Shopify: they bought in the WooCommerce store and later signed up
 * for email in the Shopify one. The engine keeps the newest record's consent (WooCommerce has none, so its contacts
 * read `not_subscribed`; docs/decisions/0020), so this order is what makes the Shopify consent the one shown.
 */
export async function createSharedCustomers(
  t: StoreTargets,
  inputs: SharedCustomerInput[],
): Promise<SharedCustomer[]> {
  const wooIds: number[] = [];
  for (const input of inputs) {
    const billing = { first_name: input.firstName, last_name: input.lastName, email: input.email };
    const wooCustomer = await send(`${t.wooUrl}/_emulator/customers`, {
      email: input.email,
      first_name: input.firstName,
      last_name: input.lastName,
      billing,
    });
    wooIds.push(Number(wooCustomer.id));
    for (const amount of input.wooOrders) {
      const order = await send(`${t.wooUrl}/_emulator/orders`, {
        customer_id: wooCustomer.id,
        status: "completed",
        billing,
        line_items: [{ name: "Ceramic mug", quantity: 1, total: amount, subtotal: amount }],
      });
      if (order.total !== amount)
        throw new Error(`The WooCommerce emulator made an order of ${String(order.total)}, not ${amount}.`);
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  const shopBase = `${t.shopifyUrl}/_emulator/shops/${encodeURIComponent(t.shop)}`;
  const made: SharedCustomer[] = [];
  for (const [i, input] of inputs.entries()) {
    const customer = await send(`${shopBase}/customers`, {
      firstName: input.firstName,
      lastName: input.lastName,
      email: input.email,
      state: "ENABLED",
      verifiedEmail: true,
      emailConsent: {
        marketingState: "SUBSCRIBED",
        marketingOptInLevel: "CONFIRMED_OPT_IN",
        marketingUpdatedAt: new Date().toISOString(),
      },
    });
    const shopifyCustomerId = String(customer.id);
    for (const amount of input.shopifyOrders) {
      await send(`${shopBase}/orders`, {
        email: input.email,
        customerId: shopifyCustomerId,
        subtotalPrice: amount,
        totalPrice: amount,
        financialStatus: "PAID",
      });
    }
    made.push({
      email: input.email,
      name: `${input.firstName} ${input.lastName}`,
      shopifyCustomerId,
      wooCustomerId: wooIds[i],
      ordersCount: input.shopifyOrders.length + input.wooOrders.length,
      totalSpent: sumAmounts([...input.shopifyOrders, ...input.wooOrders]),
    });
  }
  return made;
}

const PEOPLE = [
  ["Amara", "Okafor"],
  ["Lukas", "Novak"],
  ["Sofía", "Pérez"],
  ["Kenji", "Sato"],
  ["Ingrid", "Keller"],
] as const;

/** The demo's shared customers: a few people who shop in both stores (their emails are fixed per data folder). */
export async function createDemoSharedCustomers(t: StoreTargets): Promise<SharedCustomer[]> {
  return createSharedCustomers(
    t,
    PEOPLE.map(([first, last], i) => ({
      firstName: first,
      lastName: last,
      email: `${`${first}.${last}`
        .normalize("NFD")
        .replace(/[^A-Za-z.]/g, "")
        .toLowerCase()}.both-stores@example.com`,
      shopifyOrders: [`${24 + i * 11}.50`, `${112 + i * 7}.25`],
      wooOrders: [`${38 + i * 5}.99`],
    })),
  );
}
