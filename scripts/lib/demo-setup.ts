/**
 * The demo's setup steps against the running app: install it into the emulated shop the way the admin does (open
 * the embedded app with a session token: token exchange + afterAuth), create the demo organization's API token,
 * connect the emulated WooCommerce store through the integrations API, and wait for the first syncs (on a restart,
 * after asking for the shop's).
 */
import { createApiToken } from "../../app/integrations/api-tokens.server";
import { createSignInLink } from "../../app/integrations/woocommerce-session.server";
import type { AppDb } from "../../app/sync/platform";

const BROWSER_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

/** Opens the app inside the emulator's admin once (no browser needed) and waits for the shop's integration. */
export async function installIntoShop(db: AppDb, adminUrl: string, shop: string, timeoutMs = 60_000) {
  // The emulator was just started with an empty token store: an access token a previous demo stored in this data
  // folder is unknown to it (every sync would get 401). Without a stored session, opening the app exchanges the
  // session token for a new one.
  await db.session.deleteMany({ where: { shop } });
  const admin = await fetch(adminUrl);
  const src = /<iframe[^>]*\ssrc="([^"]+)"/.exec(await admin.text())?.[1]?.replace(/&amp;/g, "&");
  if (!src) throw new Error(`The emulator's admin page did not frame the app (${adminUrl}).`);
  const res = await fetch(src, { headers: { "User-Agent": BROWSER_UA } });
  if (!res.ok) throw new Error(`Opening the app from the admin answered ${res.status}.`);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const integration = await db.integration.findUnique({
      where: { platform_storeKey: { platform: "shopify", storeKey: shop } },
    });
    if (integration) return integration;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`The app did not record the install of ${shop} within ${timeoutMs / 1000} s.`);
}

/**
 * The demo organization's API token, new on every start. The tokens earlier demos created are deleted rather than
 * revoked: revoked ones stay listed in Settings, so each restart would add a dead token to the merchant's list.
 * Tokens the merchant created are left alone.
 */
export async function demoApiToken(db: AppDb, organizationId: string): Promise<string> {
  const earlier = await db.apiToken.findMany({
    where: { organizationId, createdBy: "demo" },
    select: { id: true },
  });
  if (earlier.length > 0) {
    const ids = earlier.map((row) => row.id);
    await db.$transaction([
      db.apiToken.deleteMany({ where: { id: { in: ids } } }),
      db.auditLog.create({
        data: { organizationId, actor: "demo", action: "api_token.deleted", detail: { tokenIds: ids } },
      }),
    ]);
  }
  return (await createApiToken(db, { organizationId, name: "Demo", createdBy: "demo" })).token;
}

/** A one-time, short-lived sign-in link to the WooCommerce owner's pages of the demo organization. */
export async function ownerSignInUrl(
  db: AppDb,
  appUrl: string,
  owner: { organizationId: string; integrationId: string },
): Promise<string> {
  return `${appUrl}/woocommerce/sign-in/${await createSignInLink(db, owner)}`;
}

/** Connects the emulated WooCommerce store through `POST /api/integrations/woocommerce/connect`. */
export async function connectWooCommerce(appUrl: string, apiToken: string, wooUrl: string) {
  const keys = (await (
    await fetch(`${wooUrl}/_emulator/keys`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ permissions: "read_write" }),
    })
  ).json()) as { consumer_key: string; consumer_secret: string };
  const res = await fetch(`${appUrl}/api/integrations/woocommerce/connect`, {
    method: "POST",
    headers: { Authorization: `Bearer ${apiToken}`, "Content-Type": "application/json" },
    body: JSON.stringify({
      storeUrl: wooUrl,
      consumerKey: keys.consumer_key,
      consumerSecret: keys.consumer_secret,
    }),
  });
  const body = (await res.json().catch(() => null)) as {
    integrationId?: string;
    error?: { message?: string };
  } | null;
  if (!res.ok || !body?.integrationId) {
    throw new Error(
      `Connecting the WooCommerce store failed (${res.status}): ${body?.error?.message ?? "no answer"}`,
    );
  }
  return body.integrationId;
}

/**
 * Asks the app for an incremental sync of a store through `POST /api/integrations/{id}/sync`. A demo started again
 * on the same data folder does this for the shop: the emulator seeded a fresh store, and only a sync (which finds
 * records deleted without a webhook) brings the app's numbers back to what the store holds.
 */
export async function requestSync(appUrl: string, apiToken: string, integrationId: string) {
  const res = await fetch(`${appUrl}/api/integrations/${encodeURIComponent(integrationId)}/sync`, {
    method: "POST",
    headers: { Authorization: `Bearer ${apiToken}`, "Content-Type": "application/json" },
    body: JSON.stringify({ kind: "incremental" }),
  });
  if (!res.ok) throw new Error(`Asking for a sync of ${integrationId} failed (${res.status}).`);
}

/**
 * Waits until every integration finished a sync started at or after `since` (this demo's, not one a previous demo
 * left in the database); prints progress. Throws after `timeoutMs`.
 */
export async function waitForFirstSyncs(
  db: AppDb,
  integrationIds: string[],
  log: (l: string) => void,
  options: { since: Date; timeoutMs?: number },
) {
  const timeoutMs = options.timeoutMs ?? 600_000;
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    const rows = await db.integration.findMany({ where: { id: { in: integrationIds } } });
    const finished = await Promise.all(
      integrationIds.map((id) =>
        db.syncRun.findFirst({
          where: {
            integrationId: id,
            startedAt: { gte: options.since },
            status: { in: ["succeeded", "partial", "failed"] },
          },
        }),
      ),
    );
    const line = rows
      .map(
        (r) =>
          `${r.name}: ${r.syncedContacts} contacts, ${r.syncedOrders} orders, ${r.syncedProducts} products`,
      )
      .join(" · ");
    if (line !== last) log(`    ${line}`);
    last = line;
    const failed = finished.find((run) => run?.status === "failed");
    if (failed)
      throw new Error(`The first sync failed: ${failed.errorMessage ?? "see the app's sync history"}`);
    if (finished.every(Boolean)) return;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  throw new Error(`The first syncs did not finish within ${timeoutMs / 1000} s.`);
}
