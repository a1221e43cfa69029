import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../server";
import { failure, wooClient } from "../test-helpers";

type User = { id: number; role: string; email: string };

describe("WooCommerce emulator /customers: users, roles and the real errors", () => {
  let emulator: WooEmulator;
  let key: { consumer_key: string; consumer_secret: string };

  beforeAll(async () => {
    emulator = await startWooEmulator({
      counts: { customers: 7, orders: 3, products: 2 },
      autoDeliver: false,
    });
    key = emulator.createKey("read_write");
  });
  afterAll(() => emulator.close());

  // PLATFORM_FACTS ✔ "The default /customers list has only the customer role; role=all includes administrators
  // and others, and customers/{id} reads any user."
  it("lists only the customer role by default, everyone with role=all, and reads any user by id", async () => {
    const client = wooClient(emulator.url, key);
    const byDefault = await client.get("customers", { per_page: 100 });
    expect(byDefault.headers["x-wp-total"]).toBe("7");
    expect(new Set(byDefault.data.map((u: User) => u.role))).toEqual(new Set(["customer"]));

    const everyone = await client.get("customers", { role: "all", per_page: 100 });
    expect(everyone.headers["x-wp-total"]).toBe("9");
    const staff = everyone.data.filter((u: User) => u.role !== "customer");
    expect(staff.map((u: User) => [u.id, u.role])).toEqual(
      expect.arrayContaining([
        [1, "administrator"],
        [expect.any(Number), "shop_manager"],
      ]),
    );
    const admins = await client.get("customers", { role: "administrator" });
    expect(admins.data.map((u: User) => u.id)).toEqual([1]);

    const admin = await client.get("customers/1");
    expect(admin.status).toBe(200);
    expect(admin.data.role).toBe("administrator");
    expect(Object.keys(admin.data)).toEqual(Object.keys(byDefault.data[0]));
  });

  // PLATFORM_FACTS ✔ "Unknown customer → 404 wc_user_invalid_id "Invalid user ID."".
  it("answers an unknown customer id with 404 wc_user_invalid_id", async () => {
    const client = wooClient(emulator.url, key);
    const expected = { code: "wc_user_invalid_id", message: "Invalid user ID.", data: { status: 404 } };
    for (const call of [
      client.get("customers/999999"),
      client.put("customers/999999", { first_name: "Nobody" }),
      client.delete("customers/999999", { force: true }),
    ]) {
      const error = await failure(call);
      expect(error.status).toBe(404);
      expect(error.data).toEqual(expected);
    }
  });

  // PLATFORM_FACTS ✔ "customers cannot be trashed (woocommerce_rest_trash_not_supported)".
  it("refuses to trash a customer: DELETE without force is 501 woocommerce_rest_trash_not_supported", async () => {
    const client = wooClient(emulator.url, key);
    const customer = (await client.post("customers", { email: "no.trash@example.test" })).data;
    const error = await failure(client.delete(`customers/${customer.id}`));
    expect(error.status).toBe(501);
    expect(error.data).toEqual({
      code: "woocommerce_rest_trash_not_supported",
      message: "Customers do not support trashing.",
      data: { status: 501 },
    });
    expect((await client.get(`customers/${customer.id}`)).status).toBe(200);
  });

  // PLATFORM_FACTS ✔ "An invalid email → 400."
  it("answers an invalid email with WordPress's 400 rest_invalid_param, before anything is created", async () => {
    const client = wooClient(emulator.url, key);
    const before = emulator.store.customers.size;
    const error = await failure(client.post("customers", { email: "not-an-email" }));
    expect(error.status).toBe(400);
    expect(error.data).toEqual({
      code: "rest_invalid_param",
      message: "Invalid parameter(s): email",
      data: {
        status: 400,
        params: { email: "Invalid email address." },
        details: { email: { code: "rest_invalid_email", message: "Invalid email address.", data: null } },
      },
    });
    const billing = await failure(
      client.post("customers", { email: "ok@example.test", billing: { email: "x@" } }),
    );
    expect((billing.data as { message: string }).message).toBe("Invalid parameter(s): billing");
    const update = await failure(client.put("customers/2", { email: "still wrong" }));
    expect(update.status).toBe(400);
    const missing = await failure(client.post("customers", { first_name: "No Email" }));
    expect(missing.data).toEqual({
      code: "rest_missing_callback_param",
      message: "Missing parameter(s): email",
      data: { status: 400, params: ["email"] },
    });
    expect(emulator.store.customers.size).toBe(before);
  });
});
