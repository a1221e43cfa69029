/**
 * `/customers?search=` over HTTP, answered as WooCommerce 11.0.1 on WordPress answers it (ADR 0061 addendum): the
 * controller passes `*term*` to WP_User_Query, whose `prepare_query` picks the columns from the term and whose
 * `get_search_sql` matches them with LIKE under a case- and accent-insensitive collation. No capture covers it; the
 * facts come from WordPress's and WooCommerce's code (rest/user-search.ts names the functions).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../server";
import type { EmulatedWooCustomer } from "../store/records";
import { ManualClock, signedRestCaller } from "../test-helpers";

const clock = new ManualClock(Date.UTC(2026, 11, 3, 19, 0, 0));
let woo: WooEmulator;
let call: ReturnType<typeof signedRestCaller>;
/** A REST-created customer: its display name is its login, "Zed"; no digit in its login or email. */
let zed = 0;
/** A REST-created customer whose login holds an "@". */
let annAtShop = 0;
/** A REST-created customer whose login holds an accent. */
let renee = 0;

beforeAll(async () => {
  woo = await startWooEmulator({
    seed: 5,
    counts: { customers: 14, orders: 2, products: 2 },
    clock,
    autoDeliver: false,
  });
  call = signedRestCaller(woo, clock, woo.createKey("read_write"));
  const create = async (body: object) => {
    const created = await call("POST", "customers", body);
    expect(created.status).toBe(201);
    return (created.body as { id: number }).id;
  };
  zed = await create({
    email: "zed.rest@example.test",
    username: "Zed",
    first_name: "Aaron",
    last_name: "Able",
  });
  annAtShop = await create({ email: "ann.other@example.test", username: "ann@shop" });
  renee = await create({ email: "r.x@example.test", username: "Renée" });
});
afterAll(() => woo.close());

/** The ids `/customers` lists for these arguments (one page of 100, by id), and its X-WP-Total. */
async function found(args: Record<string, string>): Promise<{ ids: number[]; total: string | null }> {
  const query = new URLSearchParams({ ...args, per_page: "100", orderby: "id" });
  const answer = await call("GET", `customers?${query}`);
  expect(answer.status).toBe(200);
  return {
    ids: (answer.body as { id: number }[]).map((c) => c.id),
    total: answer.headers.get("x-wp-total"),
  };
}

/** The customers (role customer) the emulated store holds, by id. */
function customers(): EmulatedWooCustomer[] {
  return [...woo.store.customers.values()].filter((c) => c.role === "customer").sort((a, b) => a.id - b.id);
}

/** A seeded customer: registered with first and last name, so its display name is "First Last". */
function seeded(): EmulatedWooCustomer {
  return customers().find((c) => c.id < zed && c.firstName && c.lastName)!;
}

describe("/customers?search= searches the columns WP_User_Query picks for the term", () => {
  it("finds a seeded customer by display name ('First Last', which no login or email holds), ignoring case", async () => {
    const c = seeded();
    const term = `${c.firstName} ${c.lastName.slice(0, 2)}`.toLowerCase();
    expect(c.displayName).toBe(`${c.firstName} ${c.lastName}`);
    expect(c.username.includes(" ") || c.email.includes(" ")).toBe(false);
    const expected = customers()
      .filter((u) => u.displayName.toLowerCase().includes(term))
      .map((u) => u.id);
    expect(expected).toContain(c.id);
    expect((await found({ search: term })).ids).toEqual(expected);
  });

  it("searches only user_email for a term with '@' (a login holding it is not found)", async () => {
    expect((await found({ search: "ann@shop" })).ids).toEqual([]);
    expect((await found({ search: "ANN.OTHER@" })).ids).toEqual([annAtShop]);
    // "@example.test" is in every customer's email.
    expect((await found({ search: "@example.test" })).ids).toEqual(customers().map((u) => u.id));
  });

  it("searches user_login and the ID for a numeric term", async () => {
    const term = String(zed);
    expect(/\d/.test(`Zed zed.rest@example.test`)).toBe(false);
    const { ids } = await found({ search: term });
    expect(ids).toContain(zed);
    expect(ids).toEqual(
      customers()
        .filter((u) => u.id === zed || u.username.includes(term))
        .map((u) => u.id),
    );
  });

  it("ignores letter case and accents, as MySQL's collation does", async () => {
    expect((await found({ search: "RENEE" })).ids).toEqual([renee]);
    expect((await found({ search: "rEnÉe" })).ids).toEqual([renee]);
  });

  it("finds a login by its user_nicename (dots become hyphens)", async () => {
    const c = seeded();
    const term = c.username.replace(/\./g, "-");
    expect(c.username).toContain(".");
    expect((await found({ search: term })).ids).toEqual([c.id]);
  });

  it("finds nothing for a term no column holds, and searches only user_url (empty here) for a URL", async () => {
    expect(await found({ search: "nobody-by-this-name" })).toEqual({ ids: [], total: "0" });
    expect((await found({ search: "zed" })).ids).toContain(zed);
    expect(await found({ search: "https://zed" })).toEqual({ ids: [], total: "0" });
  });

  it("lets the email argument replace the search (WooCommerce searches user_email for it alone)", async () => {
    const c = seeded();
    expect((await found({ email: c.email.toUpperCase(), search: "nobody-by-this-name" })).ids).toEqual([
      c.id,
    ]);
  });
});
