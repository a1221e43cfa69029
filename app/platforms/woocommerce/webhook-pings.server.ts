/**
 * Whether a WooCommerce store reaches this app. When a webhook is created, the store pings its delivery address
 * (`webhook_id=N`, form-encoded, unsigned) before it answers the creation (docs/decisions/0050). The intake records
 * the ping by the integration id of the address; after creating webhooks, the app asks whether a ping arrived: none
 * means the store cannot reach the address it was given (a private or unreachable app URL, a firewall or security
 * plugin refusing outgoing calls), so no change would ever arrive by webhook — said plainly instead of a healthy
 * "webhooks registered".
 *
 * The ping is unsigned, so anyone can send one: recording it only ever hides this warning, and writes are bounded
 * (ids of an integration's shape only, at most one write per id per 10 s and `MAX_WRITES_PER_SECOND` in all: a
 * connect's eleven pings write once).
 */
import type { AppDb } from "../../sync/platform";

/** Integration ids are UUIDs (WooCommerce) or cuids: anything else is not recorded. */
const INTEGRATION_ID = /^[A-Za-z0-9-]{8,64}$/;
/** A ping refreshes its row at most this often. */
const REFRESH_MS = 10_000;
/** Rows older than this are deleted as new pings arrive. */
const KEEP_MS = 24 * 60 * 60_000;
/** Pings written per second per process, whoever sends them. */
const MAX_WRITES_PER_SECOND = 20;
/** Ids this process recorded lately (at most this many): a ping for one of them within 10 s writes nothing. */
const MAX_RECENT = 1_000;

let windowStart = 0;
let writesInWindow = 0;
const recent = new Map<string, number>();

/** Records a creation ping addressed to `integrationId` (best effort: the store's answer never depends on it). */
export async function recordWebhookPing(
  db: AppDb,
  integrationId: string | null,
  now: Date = new Date(),
): Promise<boolean> {
  if (!integrationId || !INTEGRATION_ID.test(integrationId)) return false;
  const last = recent.get(integrationId);
  if (last !== undefined && last > now.getTime() - REFRESH_MS && last <= now.getTime()) return true;
  const second = Math.floor(now.getTime() / 1000);
  if (second !== windowStart) {
    windowStart = second;
    writesInWindow = 0;
  }
  if (writesInWindow >= MAX_WRITES_PER_SECOND) return false;
  writesInWindow++;
  if (recent.size >= MAX_RECENT) recent.clear();
  recent.set(integrationId, now.getTime());
  const fresh = new Date(now.getTime() - REFRESH_MS);
  const updated = await db.webhookPing.updateMany({
    where: { integrationId, receivedAt: { lt: fresh } },
    data: { receivedAt: now },
  });
  if (updated.count > 0) return true;
  try {
    await db.webhookPing.create({ data: { integrationId, receivedAt: now } });
  } catch (error) {
    // Already there and fresh (or recorded by a concurrent ping): nothing to do.
    if ((error as { code?: string }).code !== "P2002") throw error;
  }
  await db.webhookPing.deleteMany({ where: { receivedAt: { lt: new Date(now.getTime() - KEEP_MS) } } });
  return true;
}

/** True when a ping addressed to `integrationId` arrived at or after `since`. */
export async function webhookPingSince(db: AppDb, integrationId: string, since: Date): Promise<boolean> {
  const row = await db.webhookPing.findUnique({ where: { integrationId } });
  // A row refreshed at most every 10 s may carry an earlier time for a ping that just arrived.
  return !!row && row.receivedAt.getTime() >= since.getTime() - REFRESH_MS;
}

const UNREACHABLE_START = "The store could not reach Commerce Sync at ";

/** True for the problem `unreachableProblem` writes (a stored webhook health read back). */
export function isUnreachableProblem(problem: unknown): boolean {
  return typeof problem === "string" && problem.startsWith(UNREACHABLE_START);
}

/** The "store cannot reach the app" problem of a stored maintenance report (`Integration.webhookHealth`), if any. */
export function unreachableProblemIn(webhookHealth: unknown): string | null {
  const problems = (webhookHealth as { problems?: unknown } | null | undefined)?.problems;
  if (!Array.isArray(problems)) return null;
  return (problems.find((p) => isUnreachableProblem(p)) as string | undefined) ?? null;
}

/** What the owner reads when the store could not reach the app's webhook address. */
export function unreachableProblem(deliveryUrl: string): string {
  let origin = deliveryUrl;
  let refusals = "";
  try {
    const url = new URL(deliveryUrl);
    origin = url.origin;
    refusals = wordPressRefusals(url);
  } catch {
    // keep the address as given
  }
  return (
    `${UNREACHABLE_START}${origin}: WooCommerce calls a webhook’s address when it creates ` +
    `it, and no call arrived.${refusals} Until it can, changes arrive only with the scheduled checks. Give the ` +
    "app an address the store can reach (SHOPIFY_APP_URL: a public https address), or allow it in the store’s " +
    "firewall or security plugin; the next scheduled check tests it again."
  );
}

/**
 * What WordPress itself refuses before calling (`wp_safe_remote_request` → `wp_http_validate_url`, default rules): a
 * port other than 80, 443 and 8080, and a loopback or private IPv4 address of a host other than the store's own.
 */
function wordPressRefusals(url: URL): string {
  let said = "";
  if (url.port !== "" && !["80", "443", "8080"].includes(url.port)) {
    said +=
      ` WordPress sends webhooks only to ports 80, 443 and 8080 (or the store’s own port on its own host), and ` +
      `this address uses port ${url.port}.`;
  }
  const host = url.hostname.toLowerCase();
  const octets = /^\d{1,3}(\.\d{1,3}){3}$/.test(host) ? host.split(".").map(Number) : null;
  const privateHost =
    host === "localhost" ||
    host.endsWith(".localhost") ||
    (octets !== null &&
      (octets[0] === 127 ||
        octets[0] === 10 ||
        octets[0] === 0 ||
        (octets[0] === 172 && octets[1] >= 16 && octets[1] <= 31) ||
        (octets[0] === 192 && octets[1] === 168)));
  if (privateHost) {
    said +=
      " By default WordPress also refuses to call a private or loopback address such as this one, unless it is " +
      "the store’s own host.";
  }
  return said;
}
