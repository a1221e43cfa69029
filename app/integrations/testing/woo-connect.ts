/**
 * What the WooCommerce connect tests share (woocommerce-connect*.server.test.ts): a test database, an emulated store,
 * the app's real webhook intake for the store's creation pings, and the platform and connect deps wired to them.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach } from "vitest";
import {
  startWooEmulator,
  type WooEmulator,
  type WooEmulatorOptions,
} from "../../../emulators/woocommerce/server";
import type { EmulatedWooWebhook } from "../../../emulators/woocommerce/store/records";
import { createTestDatabase, type TestDatabase } from "../../../tests/setup/db";
import { keyringFrom } from "../../crypto/encryption.server";
import type { DatabaseKind } from "../../db/database-url";
import type { WooCommercePlatform, WooPlatformOptions } from "../../platforms/woocommerce/index.server";
import { testPlatform } from "../../platforms/woocommerce/testing/harness";
import type { AppDb } from "../../sync/platform";
import type { WooConnectDeps } from "../woocommerce-connect.server";
import { answerWooWebhook } from "./woo-intake";

export const keyring = keyringFrom(randomBytes(32).toString("base64"));

export interface AppIntake {
  url: string;
  close(): Promise<void>;
}

/**
 * The app's WooCommerce webhook address as the store sees it, for these tests: the real intake (creation pings are
 * recorded, anything else refused). Its URL is the platform's `appUrl`.
 */
export async function startAppIntake(db: AppDb): Promise<AppIntake> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => answerWooWebhook({ db, keyring }, req, Buffer.concat(chunks), res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The started pieces (set in `beforeAll`), and helpers over them. */
export interface ConnectFixture {
  readonly t: TestDatabase;
  readonly woo: WooEmulator;
  readonly platform: WooCommercePlatform;
  readonly intake: AppIntake;
  /** Connect deps over the test database and the platform; syncs asked for land in `queued`. */
  readonly deps: WooConnectDeps;
  /** The syncs the connects asked for since the current test began. */
  readonly queued: Array<{ integrationId: string; full: boolean }>;
  /** A new key of the emulated store, as pasted into the connect form. */
  key(permissions?: "read" | "read_write"): { consumerKey: string; consumerSecret: string };
  /** The store's webhooks that deliver to the app. */
  appWebhooks(): EmulatedWooWebhook[];
}

/**
 * Starts, for the enclosing `describe`, a `kind` database, an emulator with `emulator`'s options, the app's intake and
 * a platform delivering to it (plus `platform`'s options); stops them after its tests.
 */
export function useConnectFixture(
  kind: DatabaseKind,
  options: { emulator: WooEmulatorOptions; platform?: WooPlatformOptions },
): ConnectFixture {
  // Filled as each piece starts, so `afterAll` stops whatever did when a later one failed to.
  const started: {
    t?: TestDatabase;
    woo?: WooEmulator;
    platform?: WooCommercePlatform;
    intake?: AppIntake;
    deps?: WooConnectDeps;
  } = {};
  const queued: ConnectFixture["queued"] = [];
  const get = <K extends keyof typeof started>(name: K): NonNullable<(typeof started)[K]> => {
    const value = started[name];
    if (!value) throw new Error(`The connect fixture's ${name} is used before its beforeAll started it.`);
    return value;
  };

  beforeAll(async () => {
    const t = (started.t = await createTestDatabase(kind));
    started.woo = await startWooEmulator(options.emulator);
    // The store's creation pings reach the app's intake (a test may give an address nothing answers).
    const intake = (started.intake = await startAppIntake(t.db as unknown as AppDb));
    const platform = (started.platform = testPlatform({ ...options.platform, appUrl: intake.url }));
    started.deps = {
      db: t.db as unknown as AppDb,
      keyring,
      connector: platform.connector,
      enqueueSync: async (integrationId, enqueued) => {
        queued.push({ integrationId, full: enqueued.full });
      },
    };
  });
  beforeEach(() => {
    queued.length = 0;
  });
  afterAll(async () => {
    started.platform?.close();
    await started.intake?.close();
    await started.woo?.close();
    await started.t?.cleanup();
  });

  return {
    get t() {
      return get("t");
    },
    get woo() {
      return get("woo");
    },
    get platform() {
      return get("platform");
    },
    get intake() {
      return get("intake");
    },
    get deps() {
      return get("deps");
    },
    queued,
    key(permissions = "read_write") {
      const k = get("woo").createKey(permissions);
      return { consumerKey: k.consumer_key, consumerSecret: k.consumer_secret };
    },
    appWebhooks: () =>
      [...get("woo").store.webhooks.values()].filter((w) =>
        w.deliveryUrl.includes("/api/webhooks/woocommerce"),
      ),
  };
}
