/**
 * The WooCommerce platform module: `createWooCommercePlatform(deps)` builds it once per process (see
 * app/platforms/index.server.ts). Besides the StorePlatform contract (sync source, webhook decisions, webhook repair,
 * disconnect) it carries a `connector` used by the connect services (connection test, key approval URL, webhook
 * registration), so every request to a store — connect or sync — shares the same SSRF policy, agents and retries.
 */
import { updateIntegrationSettings } from "../../db/integration-settings.server";
import type { Env } from "../../env.server";
import type { Logger } from "../../lib/logger";
import { createAddressPolicy, type ResolveFn } from "../../lib/network-guard.server";
import type {
  PlatformContext,
  StorePlatform,
  StoreCallRecorder,
  WebhookMaintenanceReport,
} from "../../sync/platform";
import { AppError } from "../../lib/errors";
import { WooClient, createWooAgents, type RetryPolicy, type WooAgents } from "./client.server";
import { discoverStore, testKey, type DiscoveredStore, type StoreFacts } from "./probe.server";
import { keyTransportOf, wooSettingsOf, withWooSettings, type KeyTransportOptions } from "./settings";
import { rememberPhpOutput, type RememberOptions } from "./php-notices.server";
import { FIELDS, PER_PAGE, createWooSource } from "./source.server";
import type {
  WooCredentials,
  WooCustomer,
  WooProduct,
  WooProductWithVariations,
  WooVariation,
} from "./types";
import { recordById } from "./reconcile.server";
import { CUSTOMER_RULE_FIELDS } from "./roles";
import { decideWebhook, losslessBody } from "./webhook-events.server";
import { unreachableProblemIn, webhookPingSince } from "./webhook-pings.server";
import {
  READ_ONLY_PROBLEM,
  deleteAppWebhooks,
  deliveryUrlFor,
  ensureWebhooks,
  type EnsureWebhooksOptions,
} from "./webhooks.server";

/** Default list pages in flight per store: a polite few (WORDPRESS runs each in a PHP worker). */
export const DEFAULT_PAGE_CONCURRENCY = 4;

/** What the module reads from `PlatformDeps` (tests pass just this). */
export interface WooPlatformDeps {
  env: Pick<Env, "SHOPIFY_APP_URL" | "ALLOW_PRIVATE_STORE_URLS"> &
    Partial<Pick<Env, "WOOCOMMERCE_PAGE_CONCURRENCY" | "STORE_REQUEST_TIMEOUT_MS">>;
  /** The process's logger (`PlatformDeps.logger`); tests may leave it out. */
  logger?: Logger;
}

/** Knobs for tests, benchmarks and scripts; production uses the defaults and the environment. */
export interface WooPlatformOptions {
  pageConcurrency?: number;
  /** Per request of syncs and webhook upkeep (default 30 s). */
  timeoutMs?: number;
  /** Per request of the connection test (default 15 s: a person is waiting). */
  probeTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** An extra trusted CA certificate (PEM), e.g. the emulator's self-signed one. */
  extraCa?: string;
  /** DNS resolution for the SSRF policy (tests map names to addresses). */
  resolve?: ResolveFn;
  /** Addresses the SSRF policy treats as public (tests only). */
  treatAsPublic?: string[];
  /** Where the store delivers webhooks and sends approved keys (default SHOPIFY_APP_URL). */
  appUrl?: string;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface WooConnector {
  readonly appUrl: string;
  readonly agents: WooAgents;
  discover(url: string, signal?: AbortSignal): Promise<DiscoveredStore>;
  testKey(store: DiscoveredStore, key: WooCredentials, signal?: AbortSignal): Promise<StoreFacts>;
  client(
    storeUrl: string,
    key: WooCredentials,
    recordCall?: StoreCallRecorder,
    options?: KeyTransportOptions,
  ): WooClient;
  ensureWebhooks(
    client: WooClient,
    options: Omit<EnsureWebhooksOptions, "deliveryUrl">,
  ): Promise<WebhookMaintenanceReport>;
  deleteWebhooks(client: WooClient, integrationId: string, signal?: AbortSignal): Promise<number>;
}

export interface WooCommercePlatform extends StorePlatform {
  readonly platform: "woocommerce";
  readonly connector: WooConnector;
  /** Closes kept-alive connections (process shutdown, tests). */
  close(): void;
}

/** The store credentials of a context, or an error saying the store must be reconnected. */
export function credentialsOf(ctx: PlatformContext): WooCredentials {
  const c = ctx.credentials as Partial<WooCredentials> | null;
  if (!c || typeof c.consumerKey !== "string" || typeof c.consumerSecret !== "string") {
    throw new AppError(
      "credentials_missing",
      "This WooCommerce store has no API key stored. Reconnect it from the connect page.",
      { httpStatus: 409 },
    );
  }
  return {
    consumerKey: c.consumerKey,
    consumerSecret: c.consumerSecret,
    keyPermissions: c.keyPermissions ?? null,
  };
}

export function createWooCommercePlatform(
  deps: WooPlatformDeps,
  options: WooPlatformOptions = {},
): WooCommercePlatform {
  const policy = createAddressPolicy({
    allowPrivate: deps.env.ALLOW_PRIVATE_STORE_URLS,
    resolve: options.resolve,
    treatAsPublic: options.treatAsPublic,
  });
  const agents = createWooAgents(policy, { extraCa: options.extraCa });
  const appUrl = (options.appUrl ?? deps.env.SHOPIFY_APP_URL).replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? deps.env.STORE_REQUEST_TIMEOUT_MS ?? 30_000;
  const probe = { agents, timeoutMs: options.probeTimeoutMs ?? 15_000 };
  const pageConcurrency =
    options.pageConcurrency ?? deps.env.WOOCOMMERCE_PAGE_CONCURRENCY ?? DEFAULT_PAGE_CONCURRENCY;

  const client = (
    storeUrl: string,
    key: WooCredentials,
    recordCall?: StoreCallRecorder,
    clientOptions: KeyTransportOptions = {},
  ) =>
    new WooClient({
      storeUrl,
      consumerKey: key.consumerKey,
      consumerSecret: key.consumerSecret,
      agents,
      recordCall,
      timeoutMs,
      retry: options.retry,
      sleep: options.sleep,
      authInQuery: clientOptions.authInQuery,
      oauthOverHttps: clientOptions.oauthOverHttps,
    });
  const clientFor = (ctx: PlatformContext) =>
    client(
      ctx.integration.storeKey,
      credentialsOf(ctx),
      ctx.recordCall,
      keyTransportOf(ctx.integration.settings),
    );

  const connector: WooConnector = {
    appUrl,
    agents,
    discover: (url, signal) => discoverStore(url, probe, signal),
    testKey: (store, key, signal) => testKey(store, key, probe, signal),
    client,
    ensureWebhooks: (c, o) =>
      ensureWebhooks(c, { ...o, deliveryUrl: deliveryUrlFor(appUrl, o.integrationId) }),
    deleteWebhooks: (c, integrationId, signal) => deleteAppWebhooks(c, integrationId, signal),
  };

  /** A user as the store shows it now (any role: `customers/{id}` reads them all), or null when it is gone. */
  async function readUser(id: string, ctx: PlatformContext): Promise<WooCustomer | null> {
    const user = await readingStore(ctx, (c) =>
      recordById(c, "customers", id, `${CUSTOMER_RULE_FIELDS},date_modified_gmt`),
    );
    if (user === undefined)
      throw new Error(`WooCommerce answered 404 for user ${id} without saying it does not exist.`);
    return user as WooCustomer | null;
  }

  async function expandProduct(body: WooProduct, ctx: PlatformContext): Promise<WooProductWithVariations> {
    const settings = wooSettingsOf(ctx.integration.settings);
    return readingStore(ctx, async (c) => {
      // A variation's change arrives as `product.updated` with the variation's body: apply its product instead.
      const product =
        body.type === "variation" && body.parent_id
          ? (await c.get<WooProduct>(`products/${body.parent_id}`, { _fields: FIELDS.products })).data
          : body;
      const variations: WooVariation[] = [];
      if (product.type === "variable") {
        for (let page = 1; ; page++) {
          const { data: list } = await c.list<WooVariation>(`products/${product.id}/variations`, {
            per_page: PER_PAGE,
            page,
            _fields: FIELDS.variations,
          });
          variations.push(...list);
          if (list.length < PER_PAGE) break;
        }
      }
      return { product, variations, currency: settings.currency ?? null };
    });
  }

  /**
   * After a sync: PHP messages its answers held become the store's one notice, a sync read clean removes it
   * (ADR 0058); after other reads (`readingStore`), messages record it but clean answers leave it. Logged once, when
   * first seen (no message text: it is the store's output). Never throws: the outcome of the reads is not this.
   */
  async function notePhpOutput(
    ctx: PlatformContext,
    client: WooClient,
    options: RememberOptions = {},
  ): Promise<void> {
    const tally = client.phpOutput;
    try {
      const change = await rememberPhpOutput(ctx.db, ctx.integration.id, tally, options);
      if (change === "noticed") {
        deps.logger?.("warn", "WooCommerce store prints PHP notices into its REST answers; read past them", {
          integrationId: ctx.integration.id,
          answersWithNotices: tally.printed,
          cleanAnswers: tally.clean,
        });
      }
    } catch (error) {
      deps.logger?.("warn", "Could not record a WooCommerce store's PHP notices", {
        integrationId: ctx.integration.id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /**
   * `read` with a client of the store, outside a sync (webhook processing and upkeep, the disconnect's webhook
   * deletion): PHP messages its answers held record the store's notice as a sync's do, whether `read` succeeds or
   * fails; clean answers do not remove it, which only a sync's reads of every endpoint decide (ADR 0058 addenda).
   */
  async function readingStore<T>(ctx: PlatformContext, read: (client: WooClient) => Promise<T>): Promise<T> {
    const client = clientFor(ctx);
    try {
      return await read(client);
    } finally {
      await notePhpOutput(ctx, client, { clears: false });
    }
  }

  return {
    platform: "woocommerce",
    connector,
    createSource(ctx) {
      const settings = wooSettingsOf(ctx.integration.settings);
      const client = clientFor(ctx);
      const source = createWooSource({
        client,
        pageConcurrency: settings.pageConcurrency ?? pageConcurrency,
        currency: settings.currency ?? null,
      });
      return { ...source, close: () => notePhpOutput(ctx, client) };
    },
    handleWebhook: (event, body, ctx) =>
      decideWebhook(event, losslessBody(event.payload, body), ctx, { expandProduct, readUser }),
    async maintainWebhooks(ctx, signal) {
      const settings = wooSettingsOf(ctx.integration.settings);
      // A read-only key is the owner's choice (or their change to the key in WooCommerce): the store syncs with the
      // scheduled checks, its pages say so once, and it is never flagged as needing attention (ADR 0050 addendum).
      if (settings.readOnly)
        return {
          healthy: [],
          repaired: [],
          gapSuspected: false,
          problems: [READ_ONLY_PROBLEM],
          accepted: [READ_ONLY_PROBLEM],
        };
      if (!ctx.webhookSecret) {
        const problem = "No webhook secret is stored for this store: reconnect it to receive webhooks again.";
        return {
          healthy: [],
          repaired: [],
          gapSuspected: false,
          problems: [problem],
          problemCodes: { [problem]: "webhook_secret_missing" },
        };
      }
      const secret = ctx.webhookSecret;
      const report = await readingStore(ctx, (c) =>
        connector.ensureWebhooks(c, {
          integrationId: ctx.integration.id,
          secret,
          pingSince: (since) => webhookPingSince(ctx.db, ctx.integration.id, since),
          // The store could not reach the app last time: learn again whether it can (one webhook re-created).
          recheckReachability: unreachableProblemIn(ctx.integration.webhookHealth) !== null,
          signal,
        }),
      );
      if (report.problems.includes(READ_ONLY_PROBLEM)) {
        // The key lost write access since connect: remember it so upkeep stops trying every reconcile. From now on the
        // store is a read-only one, shown as such (this first finding is audited by the reconcile).
        await updateIntegrationSettings(ctx.db, ctx.integration.id, (current) =>
          withWooSettings(current, { readOnly: true }),
        );
        return { ...report, accepted: [READ_ONLY_PROBLEM] };
      }
      return report;
    },
    async disconnect(ctx, signal) {
      // A store that is gone or a revoked key throws here: the disconnect service records it and goes on. PHP
      // messages in the deletion's answers record the store's notice as any other read outside a sync does.
      await readingStore(ctx, (c) => connector.deleteWebhooks(c, ctx.integration.id, signal));
    },
    close: () => agents.destroy(),
  };
}
