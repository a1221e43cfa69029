/**
 * Connecting a WooCommerce store with a consumer key and secret — pasted on the connect page, or sent by the store
 * after the owner approved a key (woocommerce-approval.server.ts). Used by the standalone page, the embedded app, the
 * integrations API and `npm run demo` (callable without a browser).
 *
 * Order of work: the input's form (store address, key shapes) → the caller's connect limit (`beforeStoreRequest`, ADR
 * 0057: a refused attempt asks the store nothing) → the connection test (SSRF guard, WordPress + WooCommerce found, key
 * accepted) → the eleven webhooks
 * registered with this integration's secret (a read-only key cannot: the owner is asked whether to continue
 * read-only) → organization and integration written with the key and secret sealed, audited → first sync queued.
 * Nothing is written when the test fails; webhooks created for a store whose row could not be written are removed.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { Keyring } from "../crypto/encryption.server";
import { updateIntegrationSettings } from "../db/integration-settings.server";
import { connectRefusalStatus, isConnectRefusal, retryAfterHeader } from "../lib/connect-limits.server";
import { AppError, isAppError, oneOffMessage } from "../lib/errors";
import type { WooConnector } from "../platforms/woocommerce/index.server";
import type { StoreFacts } from "../platforms/woocommerce/probe.server";
import { withWooSettings, type WooSettings } from "../platforms/woocommerce/settings";
import { pastedKeyError } from "../platforms/woocommerce/errors";
import { normalizeStoreUrl } from "../platforms/woocommerce/store-url";
import type { WooCredentials, WooKeyPermissions } from "../platforms/woocommerce/types";
import { webhookPingSince } from "../platforms/woocommerce/webhook-pings.server";
import { READ_ONLY_PROBLEM } from "../platforms/woocommerce/webhooks.server";
import type { AppDb } from "../sync/platform";
import { openWebhookSecret, sealCredentials, sealWebhookSecret } from "../crypto/integration-secrets.server";

export interface WooConnectDeps {
  db: AppDb;
  keyring: Keyring;
  connector: WooConnector;
  /** Queues the first sync of a new or reconnected store (the app's queue; scripts may run it at once). */
  enqueueSync(integrationId: string, options: { full: boolean; triggeredBy: string }): Promise<unknown>;
}

export interface WooConnectInput {
  storeUrl: string;
  consumerKey: string;
  consumerSecret: string;
  /** Connect into this organization (a Shopify merchant's); otherwise the store's own organization or a new one. */
  organizationId?: string | null;
  /** The owner accepted a read-only key (no webhooks, scheduled syncs only). */
  allowReadOnly?: boolean;
  /** As the key approval reported it. */
  keyPermissions?: WooKeyPermissions | null;
  /** Where the key comes from: pasted by a person or a tool (the default), or sent by the store's key approval. */
  keyFrom?: "pasted" | "approval";
  /** Who asked, for the audit trail ("woo-owner", "merchant:<shop>", "api-token:<id>", "demo"). */
  actor: string;
  signal?: AbortSignal;
  /**
   * Runs once the input is well-formed, before the first request to the store: the connect limit of the person or
   * token asking (ADR 0057). It throws a ConnectLimitedError to refuse; nothing is then asked or written.
   */
  beforeStoreRequest?: () => Promise<void>;
}

export type WooConnectField = "storeUrl" | "consumerKey" | "consumerSecret";

/** The seed's `woocommerceConnect` result. */
export type WooConnectResult =
  | {
      success: true;
      integrationId: string;
      organizationId: string;
      /** False when the store was already connected (credentials replaced, webhooks checked). */
      created: boolean;
      store: StoreFacts;
      readOnly: boolean;
      webhooks: { active: number; problems: string[] };
      initialSync: "full" | "incremental";
    }
  | {
      success: false;
      error: { code: string; message: string; field?: WooConnectField };
      /** The key is read-only: ask the owner, then call again with `allowReadOnly: true`. */
      needsReadOnlyConfirmation?: boolean;
      store?: StoreFacts;
      /** Refused by the connect limits (`rate_limited`, `connect_limit_unavailable`): seconds to wait. */
      retryAfterSeconds?: number;
    };

/** Connects (or reconnects) a store. Returns a failure the owner can act on; throws only for unexpected errors. */
export async function connectWooCommerce(
  deps: WooConnectDeps,
  input: WooConnectInput,
): Promise<WooConnectResult> {
  try {
    return await connect(deps, input, 0);
  } catch (error) {
    if (isAppError(error)) return failure(error);
    throw error;
  }
}

async function connect(
  deps: WooConnectDeps,
  input: WooConnectInput,
  round: number,
): Promise<WooConnectResult> {
  const { db, connector, keyring } = deps;
  // The store address is the form's first field: an empty or malformed one is named before the keys are.
  normalizeStoreUrl(input.storeUrl);
  const key: WooCredentials = {
    consumerKey: checkKey(input.consumerKey, "ck_", "consumerKey"),
    consumerSecret: checkKey(input.consumerSecret, "cs_", "consumerSecret"),
    keyPermissions: input.keyPermissions ?? null,
  };
  if (round === 0) await input.beforeStoreRequest?.();
  const discovered = await connector.discover(input.storeUrl, input.signal);
  const store = await connector.testKey(discovered, key, input.signal).catch((error: unknown) => {
    // A key pasted a moment ago and refused was most likely copied wrong; one the store just approved was not.
    throw input.keyFrom === "approval" ? error : pastedKeyError(error);
  });

  const existing = await db.integration.findUnique({
    where: { platform_storeKey: { platform: "woocommerce", storeKey: store.url } },
  });
  const moving = !!existing && !!input.organizationId && existing.organizationId !== input.organizationId;
  if (moving && !(existing.status === "disconnected" && !(await hasData(db, existing.id)))) {
    throw new AppError(
      "store_in_other_organization",
      `${store.url} is already connected to another Commerce Sync account. Disconnect it there first (and delete ` +
        "its synced data), or sign in to that account as the WooCommerce owner.",
      { httpStatus: 409 },
    );
  }
  const integrationId = existing?.id ?? randomUUID();
  const previousSecret = existing?.webhookSecret
    ? safeOpen(() => openWebhookSecret(keyring, existing.id, existing.webhookSecret!))
    : null;
  const secret = previousSecret ?? randomBytes(32).toString("base64url");

  const client = connector.client(store.url, key, undefined, {
    authInQuery: store.authInQuery,
    oauthOverHttps: store.oauthOverHttps,
  });
  const webhooks =
    key.keyPermissions === "read"
      ? { healthy: [], repaired: [], gapSuspected: false, problems: [READ_ONLY_PROBLEM] }
      : await connector.ensureWebhooks(client, {
          integrationId,
          secret,
          resendSecret: previousSecret === null,
          // A reconnect whose webhooks were all in place creates none, so it pings nothing: re-create one.
          recheckReachability: true,
          pingSince: (since) => webhookPingSince(db, integrationId, since),
          signal: input.signal,
        });
  const readOnly = webhooks.problems.includes(READ_ONLY_PROBLEM);
  // The first PHP message the store printed into an answer: the keyless discovery's, the key test's or the webhook
  // registration's (ADR 0058).
  const phpNotice = discovered.phpNotice ?? store.phpNotice ?? client.phpOutput.firstMessage ?? undefined;
  const facts = phpNotice ? { ...store, phpNotice } : store;
  if (readOnly && !input.allowReadOnly) {
    return {
      success: false,
      needsReadOnlyConfirmation: true,
      store: facts,
      error: {
        code: "read_only_key",
        field: "consumerKey",
        message:
          "This key is read-only, so WooCommerce will not let Commerce Sync create webhooks: changes would arrive " +
          "only with the scheduled syncs, not in real time. Create a key with Read/Write permission, or continue " +
          "read-only.",
      },
    };
  }

  const organizationId = input.organizationId ?? existing?.organizationId ?? randomUUID();
  // What this connect learned about the store. A reconnect merges it into the settings as they are when it is
  // written (not as read before the store was asked): other keys written meanwhile, e.g. the schedule, are kept.
  const wooSettings: WooSettings = {
    storeName: store.name,
    currency: store.currency,
    wooCommerceVersion: store.wooCommerceVersion,
    wordPressVersion: store.wordPressVersion,
    readOnly,
    keyPermissions: key.keyPermissions ?? (readOnly ? "read" : "read_write"),
    authInQuery: store.authInQuery ?? false,
    oauthOverHttps: store.oauthOverHttps ?? false,
    // PHP messages in the store's answers: its pages say so until a sync reads it clean (ADR 0058).
    phpNotice: phpNotice ? { message: phpNotice, since: new Date().toISOString() } : null,
  };
  const row = {
    name: store.name,
    status: "connected",
    statusReason: readOnly ? "Read-only key: no webhooks, changes arrive with the scheduled syncs." : null,
    statusCode: null,
    credentials: sealCredentials(keyring, integrationId, key),
    webhookSecret: sealWebhookSecret(keyring, integrationId, secret),
    // What the store's page shows until the first scheduled check (as that check keeps it).
    webhookHealth: { ...webhooks, checkedAt: new Date().toISOString() },
    disconnectedAt: null,
  };
  const audit = {
    organizationId,
    integrationId,
    actor: input.actor,
    action: existing ? "integration.reconnected" : "integration.connected",
    detail: {
      platform: "woocommerce",
      storeUrl: store.url,
      wooCommerceVersion: store.wooCommerceVersion,
      readOnly,
      webhooks: { healthy: webhooks.healthy.length, repaired: webhooks.repaired.length },
      ...(moving ? { movedFromOrganization: existing!.organizationId } : {}),
    },
  };
  // The store just accepted the key of a store that needed attention (a revoked key, a failed sync) or was
  // disconnected: the failures of the time before say nothing about it now, and a sync is queued below. The status
  // stops describing them (display-status.ts), as for a Shopify shop whose access came back; history keeps them.
  const restored =
    !!existing && (existing.status === "needs_attention" || existing.status === "disconnected");
  try {
    await db.$transaction(async (tx) => {
      if (!(await tx.organization.findUnique({ where: { id: organizationId }, select: { id: true } }))) {
        await tx.organization.create({ data: { id: organizationId, name: store.name } });
      }
      if (existing) {
        await tx.integration.update({ where: { id: existing.id }, data: { ...row, organizationId } });
        await updateIntegrationSettings(tx, existing.id, (current) => ({
          ...withWooSettings(current, wooSettings),
          ...(restored ? { accessRestoredAt: new Date().toISOString() } : {}),
        }));
      } else {
        await tx.integration.create({
          data: {
            ...row,
            settings: withWooSettings({}, wooSettings) as object,
            id: integrationId,
            organizationId,
            platform: "woocommerce",
            storeKey: store.url,
          },
        });
      }
      // A store moved in starts its history here: the other organization's finished runs and settled deliveries
      // (errors, counts, payloads) are not this organization's to see. A delivery still waiting is processed for
      // the store as it is now; the other organization's audit entries stay its own (read by organization).
      if (moving) {
        await tx.syncRun.deleteMany({
          where: { integrationId, status: { notIn: ["queued", "running"] } },
        });
        await tx.webhookEvent.deleteMany({
          where: { integrationId, status: { in: ["processed", "failed", "ignored"] } },
        });
      }
      await tx.auditLog.create({ data: audit });
    });
  } catch (error) {
    if (!existing) await connector.deleteWebhooks(client, integrationId).catch(() => undefined);
    // Two connects of the same new store at once: the loser retries as a reconnect of the winner's row.
    if ((error as { code?: string }).code === "P2002" && round === 0) return connect(deps, input, 1);
    throw error;
  }

  const full = !existing || existing.status === "disconnected" || !existing.lastSyncAt;
  await deps.enqueueSync(integrationId, { full, triggeredBy: input.actor });
  return {
    success: true,
    integrationId,
    organizationId,
    created: !existing,
    store: facts,
    readOnly,
    webhooks: {
      active: readOnly ? 0 : webhooks.healthy.length + webhooks.repaired.length,
      problems: webhooks.problems,
    },
    initialSync: full ? "full" : "incremental",
  };
}

/**
 * A connect page's answer to a failed attempt (a connect or a key approval start): 429 with Retry-After when it was
 * over a connect limit, 503 with Retry-After when the limits could not count it, otherwise 400.
 */
export function connectFailureInit(failure: { error: { code: string }; retryAfterSeconds?: number }): {
  status: number;
  headers: Record<string, string>;
} {
  const refused = connectRefusalStatus(failure.error.code);
  return refused ? { status: refused, headers: retryAfterHeader(failure) } : { status: 400, headers: {} };
}

/**
 * The integrations API's answer for a connect: 201 (new store) or 200 (reconnected) with the store; 409 when the
 * store belongs to another organization; 429 with Retry-After when over a connect limit, 503 with Retry-After when
 * the limits could not count the attempt; 422 for anything else the store or key refused, naming the field.
 */
export function wooConnectApiAnswer(result: WooConnectResult): {
  status: number;
  body: unknown;
  headers: Record<string, string>;
} {
  if (result.success) {
    return {
      status: result.created ? 201 : 200,
      body: {
        success: true,
        integrationId: result.integrationId,
        created: result.created,
        storeName: result.store.name,
        storeUrl: result.store.url,
        readOnly: result.readOnly,
        // The first PHP message the store printed into its answers (ADR 0058), or null: syncing works, but the owner
        // should turn WP_DEBUG_DISPLAY off.
        phpNotice: result.store.phpNotice ?? null,
        webhooks: result.webhooks,
        initialSync: result.initialSync,
      },
      headers: {},
    };
  }
  const { code, message, field } = result.error;
  return {
    status: code === "store_in_other_organization" ? 409 : (connectRefusalStatus(code) ?? 422),
    headers: retryAfterHeader(result),
    body: {
      error: {
        code,
        message,
        ...(field ? { field: `body.${field}` } : {}),
        ...(result.needsReadOnlyConfirmation ? { needsReadOnlyConfirmation: true } : {}),
      },
    },
  };
}

function checkKey(value: string, prefix: "ck_" | "cs_", field: WooConnectField): string {
  const trimmed = (value ?? "").trim();
  const name = field === "consumerKey" ? "consumer key" : "consumer secret";
  if (!trimmed) throw new FieldError(field, `Paste the ${name} (it starts with ${prefix}).`);
  const other = prefix === "ck_" ? "cs_" : "ck_";
  if (trimmed.startsWith(other)) {
    throw new FieldError(
      field,
      `This looks like the ${prefix === "ck_" ? "secret" : "key"}: the ${name} starts with ${prefix}. The two may be swapped.`,
    );
  }
  if (!trimmed.startsWith(prefix) || !/^[A-Za-z0-9_]{10,100}$/.test(trimmed)) {
    throw new FieldError(
      field,
      `A WooCommerce ${name} starts with ${prefix} followed by letters and digits.`,
    );
  }
  return trimmed;
}

class FieldError extends AppError {
  constructor(
    readonly field: WooConnectField,
    message: string,
  ) {
    super("invalid_key", message, { httpStatus: 400 });
  }
}

const STORE_URL_CODES =
  /^(store_|woocommerce_(not_found|tls|timeout|host_not_found|unreachable|redirect|not_json|php_error|server|forbidden))/;

function failure(error: AppError): WooConnectResult {
  const field: WooConnectField | undefined =
    error instanceof FieldError
      ? error.field
      : error.code === "woocommerce_auth"
        ? "consumerKey"
        : STORE_URL_CODES.test(error.code)
          ? "storeUrl"
          : undefined;
  // A person waits for this one attempt: nothing tries it again on its own, so they are told to.
  const message = error.retryNote ? `${oneOffMessage(error)} Try again in a moment.` : error.message;
  return {
    success: false,
    error: { code: error.code, message, ...(field ? { field } : {}) },
    ...(isConnectRefusal(error) ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
  };
}

async function hasData(db: AppDb, integrationId: string): Promise<boolean> {
  const [orders, products, sources] = await Promise.all([
    db.order.count({ where: { integrationId } }),
    db.product.count({ where: { integrationId } }),
    db.contactSource.count({ where: { integrationId } }),
  ]);
  return orders + products + sources > 0;
}

function safeOpen(fn: () => string): string | null {
  try {
    return fn();
  } catch {
    return null; // unreadable with this server's keys: a new secret is made and sent to the store
  }
}
