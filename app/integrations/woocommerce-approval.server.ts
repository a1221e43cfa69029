/**
 * One-click key approval: the owner is sent to the store's `/wc-auth/v1/authorize` (the store may ask them to log in
 * first), approves, and the store POSTs a fresh key to this app's callback before sending the owner back.
 *
 * - `startKeyApproval` checks the caller's connect limit (ADR 0057), finds the store, records a pending attempt (random id, expiry) and a nonce for the starting
 *   browser's cookie, and builds the authorize URL. The attempt id is in the callback URL and is the `user_id` the
 *   store echoes.
 * - `receiveApprovedKeys` (the store's server → callback) accepts one key per pending, unexpired attempt; unknown,
 *   expired and replayed attempts are refused (the store then deletes the key it made). The key is sealed at once.
 * - `finishKeyApproval` (the owner's browser ← return URL) must present the nonce of the browser that started it;
 *   it then connects with the key exactly like a pasted one, once.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { isConnectRefusal } from "../lib/connect-limits.server";
import { isAppError } from "../lib/errors";
import { normalizeStoreUrl } from "../platforms/woocommerce/store-url";
import type { WooKeyPermissions } from "../platforms/woocommerce/types";
import { connectWooCommerce, type WooConnectDeps, type WooConnectResult } from "./woocommerce-connect.server";
import { openAttemptKey, sealAttemptKey } from "./woocommerce-secrets.server";

export const APPROVAL_TTL_MS = 30 * 60_000;
/** The store's callback body is five short fields; anything bigger is refused before it is read as JSON. */
export const MAX_CALLBACK_BYTES = 16 * 1024;
export const APP_NAME = "Commerce Sync";

export type ApprovalDeps = WooConnectDeps & { now?: () => Date };

/**
 * The app's address when a real store would refuse the approval's callback to it, else null: WooCommerce posts an
 * approved key only to an https callback (WC_Auth answers "The callback_url needs to be over SSL").
 */
export function approvalCallbackRefused(appUrl: string): string | null {
  return /^https:/i.test(appUrl) ? null : appUrl;
}

/** What the connect pages warn about when a real store would refuse the approval's callback. */
export interface ApprovalHttpsWarning {
  appUrl: string;
  /** The demo's local store, which (unlike a real one) accepts the http callback; null outside the demo. */
  demoStoreUrl: string | null;
}

/** The connect pages' https warning for key approval, or null when the app is on https. */
export function approvalHttpsWarning(env: {
  SHOPIFY_APP_URL: string;
  DEMO_WOOCOMMERCE_URL?: string;
}): ApprovalHttpsWarning | null {
  const appUrl = approvalCallbackRefused(env.SHOPIFY_APP_URL);
  return appUrl ? { appUrl, demoStoreUrl: env.DEMO_WOOCOMMERCE_URL ?? null } : null;
}

export type ReturnTo = "standalone" | "embedded";

export type StartApprovalResult =
  | { success: true; attemptId: string; browserNonce: string; authorizeUrl: string; expiresAt: Date }
  | {
      success: false;
      error: { code: string; message: string; field?: "storeUrl" };
      /** Refused by the connect limits (`rate_limited`, `connect_limit_unavailable`): seconds to wait. */
      retryAfterSeconds?: number;
    };

/** Starts an approval for the store at `storeUrl`. */
export async function startKeyApproval(
  deps: ApprovalDeps,
  input: {
    storeUrl: string;
    organizationId?: string | null;
    returnTo?: ReturnTo;
    signal?: AbortSignal;
    /** The caller's connect limit, run before the store is asked (as `WooConnectInput.beforeStoreRequest`). */
    beforeStoreRequest?: () => Promise<void>;
  },
): Promise<StartApprovalResult> {
  let storeUrl: string;
  try {
    // A malformed address is refused as before, without counting as an attempt: no request would be made.
    normalizeStoreUrl(input.storeUrl);
    await input.beforeStoreRequest?.();
    storeUrl = (await deps.connector.discover(input.storeUrl, input.signal)).url.url;
  } catch (error) {
    if (isConnectRefusal(error)) {
      return {
        success: false,
        error: { code: error.code, message: error.message },
        retryAfterSeconds: error.retryAfterSeconds,
      };
    }
    if (isAppError(error))
      return { success: false, error: { code: error.code, message: error.message, field: "storeUrl" } };
    throw error;
  }
  const now = deps.now?.() ?? new Date();
  await pruneConnectAttempts(deps);
  const attemptId = randomBytes(24).toString("base64url");
  const browserNonce = randomBytes(24).toString("base64url");
  const expiresAt = new Date(now.getTime() + APPROVAL_TTL_MS);
  await deps.db.wooConnectAttempt.create({
    data: {
      id: attemptId,
      browserHash: sha256(browserNonce),
      storeUrl,
      organizationId: input.organizationId ?? null,
      returnTo: input.returnTo ?? "standalone",
      createdAt: now,
      expiresAt,
    },
  });
  const appUrl = deps.connector.appUrl;
  const query = new URLSearchParams({
    app_name: APP_NAME,
    scope: "read_write",
    user_id: attemptId,
    return_url: `${appUrl}/woocommerce/connect/return?attempt=${attemptId}`,
    callback_url: `${appUrl}/wc-auth/callback/${attemptId}`,
  });
  return {
    success: true,
    attemptId,
    browserNonce,
    authorizeUrl: `${storeUrl}/wc-auth/v1/authorize?${query}`,
    expiresAt,
  };
}

export interface CallbackAnswer {
  status: 200 | 400 | 404 | 409 | 410 | 413;
  message: string;
}

/** The store's POST of the approved key. Only a 200 keeps the key on the store. */
export async function receiveApprovedKeys(
  deps: ApprovalDeps,
  attemptId: string,
  rawBody: string,
): Promise<CallbackAnswer> {
  if (Buffer.byteLength(rawBody, "utf8") > MAX_CALLBACK_BYTES)
    return { status: 413, message: `The body is too large (limit ${MAX_CALLBACK_BYTES} bytes).` };
  const attempt = await deps.db.wooConnectAttempt.findUnique({ where: { id: attemptId } });
  if (!attempt) return { status: 404, message: "Unknown connect attempt." };
  const now = deps.now?.() ?? new Date();
  if (attempt.expiresAt <= now) {
    await deps.db.wooConnectAttempt.updateMany({
      where: { id: attemptId, status: "pending" },
      data: { status: "failed" },
    });
    return { status: 410, message: "This connect attempt has expired." };
  }
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(rawBody) as Record<string, unknown>;
  } catch {
    return { status: 400, message: "The body is not JSON." };
  }
  const consumerKey = typeof body.consumer_key === "string" ? body.consumer_key : "";
  const consumerSecret = typeof body.consumer_secret === "string" ? body.consumer_secret : "";
  const permissions = body.key_permissions;
  if (String(body.user_id ?? "") !== attemptId)
    return { status: 400, message: "The user_id does not match." };
  if (!/^ck_\w{10,}$/.test(consumerKey) || !/^cs_\w{10,}$/.test(consumerSecret)) {
    return { status: 400, message: "The key is missing or malformed." };
  }
  const keyPermissions: WooKeyPermissions =
    permissions === "read" || permissions === "write" || permissions === "read_write"
      ? permissions
      : "read_write";
  const claimed = await deps.db.wooConnectAttempt.updateMany({
    where: { id: attemptId, status: "pending" },
    data: {
      status: "keys_received",
      keyPermissions,
      credentials: sealAttemptKey(deps.keyring, attemptId, { consumerKey, consumerSecret, keyPermissions }),
    },
  });
  if (claimed.count !== 1) return { status: 409, message: "This connect attempt already received a key." };
  return { status: 200, message: "Key received." };
}

export type FinishApprovalResult =
  | (WooConnectResult & { returnTo: ReturnTo })
  | { success: false; returnTo: ReturnTo; error: { code: string; message: string } };

/** The owner's return from the store. `browserNonce` comes from the cookie set when the approval started. */
export async function finishKeyApproval(
  deps: ApprovalDeps,
  input: {
    attemptId: string;
    browserNonce: string | null;
    approved: boolean;
    actor: string;
    signal?: AbortSignal;
  },
): Promise<FinishApprovalResult> {
  const attempt = await deps.db.wooConnectAttempt.findUnique({ where: { id: input.attemptId } });
  const refuse = (
    code: string,
    message: string,
    returnTo: ReturnTo = "standalone",
  ): FinishApprovalResult => ({
    success: false,
    returnTo,
    error: { code, message },
  });
  if (!attempt)
    return refuse("approval_unknown", "This key approval is unknown. Start again from the connect page.");
  const returnTo = attempt.returnTo === "embedded" ? "embedded" : "standalone";
  if (!input.browserNonce || !sameHash(sha256(input.browserNonce), attempt.browserHash)) {
    return refuse(
      "approval_other_browser",
      "This key approval was started in another browser (or its cookie was cleared). Start again from the connect page in this browser.",
      returnTo,
    );
  }
  const now = deps.now?.() ?? new Date();
  if (attempt.status === "completed" || attempt.status === "connecting") {
    return refuse(
      "approval_used",
      "This key approval was already used. Open your store's status page, or start again.",
      returnTo,
    );
  }
  if (attempt.expiresAt <= now)
    return refuse("approval_expired", "This key approval expired (30 minutes). Start again.", returnTo);
  if (!input.approved) {
    await deps.db.wooConnectAttempt.update({
      where: { id: attempt.id },
      data: { status: "denied", completedAt: now },
    });
    return refuse(
      "approval_denied",
      "The key request was denied in WordPress. Start again and choose Approve, or paste a key instead.",
      returnTo,
    );
  }
  if (attempt.status !== "keys_received" || !attempt.credentials) {
    return refuse(
      "approval_no_key",
      "The store did not send the approved key to Commerce Sync. The store must be able to reach this app over " +
        "HTTPS; check that no firewall blocks it, or paste a key instead.",
      returnTo,
    );
  }
  // Claim it once: a second return (reload, replay) finds it connecting or completed.
  const claimed = await deps.db.wooConnectAttempt.updateMany({
    where: { id: attempt.id, status: "keys_received" },
    data: { status: "connecting" },
  });
  if (claimed.count !== 1) return refuse("approval_used", "This key approval was already used.", returnTo);
  const key = openAttemptKey(deps.keyring, attempt.id, attempt.credentials);
  let result: WooConnectResult;
  try {
    result = await connectWooCommerce(deps, {
      storeUrl: attempt.storeUrl,
      consumerKey: key.consumerKey,
      consumerSecret: key.consumerSecret,
      keyPermissions: key.keyPermissions ?? null,
      keyFrom: "approval",
      allowReadOnly: key.keyPermissions === "read",
      organizationId: attempt.organizationId,
      actor: input.actor,
      signal: input.signal,
    });
  } finally {
    // The key lives on in the integration (sealed there) or nowhere; never twice.
    await deps.db.wooConnectAttempt.update({
      where: { id: attempt.id },
      data: { status: "failed", credentials: null, completedAt: new Date() },
    });
  }
  if (result.success) {
    await deps.db.wooConnectAttempt.update({
      where: { id: attempt.id },
      data: { status: "completed", integrationId: result.integrationId },
    });
  }
  return { ...result, returnTo };
}

/** Removes finished or expired attempts older than a day (their sealed keys are already gone or useless). */
export async function pruneConnectAttempts(deps: Pick<ApprovalDeps, "db" | "now">): Promise<number> {
  const cutoff = new Date((deps.now?.() ?? new Date()).getTime() - 24 * 60 * 60_000);
  const { count } = await deps.db.wooConnectAttempt.deleteMany({ where: { expiresAt: { lt: cutoff } } });
  return count;
}

function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && timingSafeEqual(x, y);
}
