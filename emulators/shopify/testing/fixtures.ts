/** Shared set-up for the emulator's tests: an in-process emulator on an ephemeral port with a controllable clock. */
import { startShopifyEmulator, type RunningShopifyEmulator, type ShopifyEmulatorOptions } from "../server";

export interface TestClock {
  now: () => Date;
  advanceMs(ms: number): void;
}

/** A clock frozen at `start` that moves only when told to. */
export function testClock(start = new Date("2026-11-01T12:00:00Z")): TestClock {
  let ms = start.getTime();
  return { now: () => new Date(ms), advanceMs: (delta) => void (ms += delta) };
}

/** Starts a small seeded emulator (webhooks not read from shopify.app.toml, no real delays). */
export async function startTestEmulator(
  options: ShopifyEmulatorOptions = {},
): Promise<RunningShopifyEmulator> {
  return startShopifyEmulator({
    seed: 7,
    customers: 120,
    orders: 240,
    products: 15,
    ...options,
    webhooks: { tomlPath: null, timeScale: 0, ...options.webhooks },
  });
}
