import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../server";
import { ManualClock, startReceiver, wooClient } from "../test-helpers";

type User = { id: number; role: string; date_modified_gmt: string };

/**
 * Users whose role changes (ADR 0047): WooCommerce Subscriptions switches a customer to `subscriber`, wholesale
 * plugins add their own roles, a customer may be made shop manager. `role` is read-only over REST, so the control
 * API changes it, the way WordPress does.
 */
describe("WooCommerce emulator: user roles and how they change", () => {
  let emulator: WooEmulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let client: ReturnType<typeof wooClient>;
  const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000);

  const setRole = async (id: number, body: Record<string, unknown>) => {
    const response = await fetch(`${emulator.url}/_emulator/customers/${id}/role`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as User & { error?: string } };
  };
  const delivered = () =>
    receiver.received
      .filter((r) => r.headers["x-wc-webhook-topic"])
      .map((r) => [
        r.headers["x-wc-webhook-topic"],
        (JSON.parse(r.body) as { id: number; role?: string }).id,
      ]);

  beforeAll(async () => {
    emulator = await startWooEmulator({
      counts: { customers: 6, orders: 2, products: 1 },
      clock,
      autoDeliver: false,
    });
    client = wooClient(emulator.url, emulator.createKey("read_write"));
    receiver = await startReceiver(200);
    for (const topic of ["customer.updated", "customer.deleted"]) {
      await client.post("webhooks", { topic, delivery_url: receiver.url, secret: "s" });
    }
  });
  afterAll(async () => {
    await receiver.close();
    await emulator.close();
  });

  it("changes a role without a webhook or a new date (set_role), and lists every user in id order with role=all", async () => {
    const [first, second] = [...emulator.store.customers.keys()];
    const before = (await client.get(`customers/${first}`)).data as User;
    clock.advance(3_000);
    const changed = await setRole(first, { role: "subscriber" });
    expect(changed.status).toBe(200);
    expect([changed.body.role, changed.body.date_modified_gmt]).toEqual([
      "subscriber",
      before.date_modified_gmt,
    ]);
    expect((await setRole(second, { role: "wholesale_customer" })).status).toBe(200);
    await emulator.flushDeliveries();
    expect(delivered()).toEqual([]);

    const byDefault = await client.get("customers", { per_page: 100 });
    expect(byDefault.headers["x-wp-total"]).toBe("4");
    expect(byDefault.data.map((u: User) => u.id)).not.toContain(first);

    const all = await client.get("customers", { role: "all", orderby: "id", order: "asc", per_page: 3 });
    const users = [...emulator.store.customers.values(), ...emulator.store.staff.values()];
    expect(all.headers["x-wp-total"]).toBe(String(users.length));
    expect(all.headers["x-wp-totalpages"]).toBe(String(Math.ceil(users.length / 3)));
    const ids: number[] = [];
    for (let page = 1; page <= Math.ceil(users.length / 3); page++) {
      const answer = await client.get("customers", {
        role: "all",
        orderby: "id",
        order: "asc",
        per_page: 3,
        page,
      });
      ids.push(...answer.data.map((u: User) => u.id));
    }
    expect(ids).toEqual(users.map((u) => u.id).sort((a, b) => a - b));

    // A plugin's role is a role the list can filter on once a user holds it.
    const wholesale = await client.get("customers", { role: "wholesale_customer" });
    expect(wholesale.data.map((u: User) => [u.id, u.role])).toEqual([[second, "wholesale_customer"]]);
  });

  it("changes a role through the user's edit screen (profile_update): date_modified moves and customer.updated is sent", async () => {
    const id = [...emulator.store.customers.keys()][0];
    clock.advance(3_000);
    const changed = await setRole(id, { role: "shop_manager", via: "profile_update" });
    expect(changed.body.role).toBe("shop_manager");
    expect(changed.body.date_modified_gmt).toBe(new Date(clock.now()).toISOString().slice(0, 19));
    await emulator.flushDeliveries();
    expect(delivered()).toEqual([["customer.updated", id]]);
    const body = JSON.parse(receiver.received.at(-1)!.body) as User;
    expect(body.role).toBe("shop_manager");
  });

  it("ignores `role` in a REST update (read-only in the schema) and refuses a bad role change", async () => {
    const id = [...emulator.store.customers.keys()][0];
    const updated = await client.put(`customers/${id}`, { role: "administrator", first_name: "Still" });
    expect([updated.data.role, updated.data.first_name]).toEqual(["customer", "Still"]);
    expect((await setRole(id, { role: "no spaces" })).status).toBe(400);
    expect((await setRole(id, { role: "subscriber", via: "ajax" })).status).toBe(400);
    expect((await setRole(999_999, { role: "subscriber" })).status).toBe(404);
  });

  it("sends customer.deleted only for a user with the customer role", async () => {
    await emulator.flushDeliveries();
    receiver.received.length = 0;
    const [customer, subscriber] = [...emulator.store.customers.keys()];
    await setRole(subscriber, { role: "subscriber" });
    await client.delete(`customers/${subscriber}`, { force: true });
    await client.delete(`customers/${customer}`, { force: true });
    await emulator.flushDeliveries();
    expect(delivered()).toEqual([["customer.deleted", customer]]);
  });
});
