/**
 * The key approval flow (`/wc-auth/v1/authorize`): the owner approves (or denies) an app; the store creates a key,
 * POSTs it to the app's callback and keeps it only if the callback answered exactly 200, then sends the owner
 * back to `return_url` with `success=1|0&user_id=…`.
 */
import type http from "node:http";
import { escapeHtml, redirect, sendHtml } from "../../shared/http";
import type { WooEmulatorContext } from "../context";
import { escHtml } from "../http/esc-html";
import { phpJsonEncode } from "../php";
import { WP_VERSION, wpDate } from "../render/common";
import type { KeyPermissions } from "../store/records";
import { post } from "../webhooks/post";

const SCOPES = ["read", "write", "read_write"];
/** `WC_Auth::get_i18n_scope()`: the scope as the approval page names it. */
const SCOPE_LABELS: Record<string, string> = { read: "Read", write: "Write", read_write: "Read/Write" };
/** `WC_Auth::get_permissions_in_scope()`: the list under "which will allow it to:". */
const SCOPE_PERMISSIONS: Record<string, string[]> = {
  read: ["View coupons", "View customers", "View orders and sales reports", "View products"],
  write: ["Create webhooks", "Create coupons", "Create customers", "Create orders", "Create products"],
  read_write: [
    "Create webhooks",
    "View and manage coupons",
    "View and manage customers",
    "View and manage orders and sales reports",
    "View and manage products",
  ],
};

/** wp_die() as the wc-auth endpoints use it. */
function authDie(res: http.ServerResponse, status: number, message: string): void {
  sendHtml(
    res,
    status,
    `<!DOCTYPE html>\n<html lang="en-US">\n<head><meta charset="UTF-8"><title>Access denied</title></head>\n<body id="error-page"><div class="wp-die-message">Error: ${escapeHtml(message)}.</div></body>\n</html>\n`,
  );
}

function withQuery(target: string, extra: Record<string, string>): string {
  const parsed = new URL(target);
  for (const [name, value] of Object.entries(extra)) parsed.searchParams.set(name, value);
  return parsed.toString();
}

/** The parameter problem WooCommerce reports first, or null when the request is complete and valid. */
function invalidRequest(ctx: WooEmulatorContext, p: (name: string) => string): string | null {
  for (const name of ["app_name", "user_id", "return_url", "callback_url", "scope"]) {
    if (!p(name)) return `Missing parameter ${name}`;
  }
  if (!SCOPES.includes(p("scope"))) return `Invalid scope ${p("scope")}`;
  for (const name of ["return_url", "callback_url"]) {
    try {
      new URL(p(name));
    } catch {
      return `The ${name} is not a valid URL`;
    }
  }
  if (!/^https:\/\//i.test(p("callback_url")) && !ctx.config.allowHttpAuthCallback)
    return "The callback_url needs to be over SSL";
  return null;
}

/**
 * `auth/form-grant-access.php` inside `auth/header.php` / `auth/footer.php`: the app name and the scope go through
 * `esc_html` once (entities already in the name stay as they are, as WordPress's `esc_html` does not encode twice),
 * each inside `<strong>` in the second line; "Logged in as" names the store's administrator (user 1), the one the
 * emulator acts as (it has no wp-login step). The look approximates `wc-auth.css` inline (the emulator serves no
 * assets): a grey page, the WooCommerce wordmark, a white box, WordPress's buttons.
 */
function approvalPage(ctx: WooEmulatorContext, url: URL, denyUrl: string): string {
  const p = (name: string) => url.searchParams.get(name) ?? "";
  const grant = new URL(`${ctx.siteUrl}/wc-auth/v1/access_granted`);
  for (const [name, value] of url.searchParams) grant.searchParams.set(name, value);
  grant.searchParams.set("wc_auth_nonce", ctx.wcAuthNonce);
  const app = escHtml(p("app_name"));
  const scope = escHtml(SCOPE_LABELS[p("scope")]!);
  const items = SCOPE_PERMISSIONS[p("scope")]!.map((item) => `<li>${escHtml(item)}</li>`).join("");
  const admin = ctx.store.staff.get(1);
  const loggedIn = admin
    ? `<div class="wc-auth-logged-in-as">\n<p>Logged in as ${escHtml(admin.displayName)} <a href="${escapeHtml(`${ctx.siteUrl}/wp-login.php?action=logout`)}" class="wc-auth-logout">Logout</a></p>\n</div>\n`
    : "";
  return (
    `<!DOCTYPE html>\n<html lang="en-US">\n<head><meta charset="UTF-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>Application authentication request</title><style>${AUTH_PAGE_STYLE}</style></head>\n<body class="wc-auth wp-core-ui">\n` +
    `<h1 id="wc-logo">WooCommerce</h1>\n<div class="wc-auth-content">\n` +
    `<h1>${app} would like to connect to your store</h1>\n` +
    `<p>This will give "<strong>${app}</strong>" <strong>${scope}</strong> access which will allow it to:</p>\n` +
    `<ul class="wc-auth-permissions">${items}</ul>\n${loggedIn}` +
    `<p class="wc-auth-actions"><a href="${escapeHtml(grant.toString())}" class="button button-primary wc-auth-approve">Approve</a> <a href="${escapeHtml(denyUrl)}" class="button wc-auth-deny">Deny</a></p>\n` +
    `</div>\n</body>\n</html>\n`
  );
}

/** An approximation of WooCommerce's `assets/css/auth.css` on WordPress's admin buttons. */
const AUTH_PAGE_STYLE = [
  "body{background:#f1f1f1;margin:0;padding:48px 16px;color:#444;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,sans-serif;font-size:14px;line-height:1.5}",
  "#wc-logo{margin:0 auto 24px;text-align:center;color:#7f54b3;font-size:28px;letter-spacing:-.5px}",
  ".wc-auth-content{background:#fff;max-width:500px;margin:0 auto;padding:24px 24px 0;box-shadow:0 1px 3px rgba(0,0,0,.13);box-sizing:border-box}",
  ".wc-auth-content h1{font-size:20px;margin:0 0 16px;color:#1d2327}",
  ".wc-auth-permissions{list-style:none;margin:0 0 16px;padding:0;border-top:1px solid #eee}",
  ".wc-auth-permissions li{padding:8px 0;border-bottom:1px solid #eee}",
  ".wc-auth-logged-in-as{background:#f5f5f5;margin:0 -24px;padding:8px 24px;border-top:1px solid #eee}",
  ".wc-auth-actions{display:flex;gap:8px;margin:0 -24px;padding:16px 24px;background:#f5f5f5;border-top:1px solid #eee}",
  ".button{display:inline-block;padding:6px 16px;border:1px solid #2271b1;border-radius:3px;color:#2271b1;background:#f6f7f7;text-decoration:none}",
  ".button-primary{background:#2271b1;color:#fff}",
].join("");

/** Answers `/wc-auth/v1/authorize` and `/wc-auth/v1/access_granted`. */
export async function handleWcAuth(
  ctx: WooEmulatorContext,
  res: http.ServerResponse,
  url: URL,
  method: string,
): Promise<void> {
  const endpoint = url.pathname.replace(/^\/wc-auth\/v1\//, "").replace(/\/$/, "");
  if (method !== "GET" || (endpoint !== "authorize" && endpoint !== "access_granted")) {
    authDie(res, 404, "Invalid endpoint");
    return;
  }
  const p = (name: string) => url.searchParams.get(name) ?? "";
  const problem = invalidRequest(ctx, p);
  if (problem) {
    authDie(res, 400, problem);
    return;
  }
  const denyUrl = withQuery(p("return_url"), { success: "0", user_id: p("user_id") });
  if (endpoint === "authorize") {
    if (ctx.wcAuthMode === "deny") return redirect(res, denyUrl);
    if (ctx.wcAuthMode === "prompt") return sendHtml(res, 200, approvalPage(ctx, url, denyUrl));
  } else if (p("wc_auth_nonce") !== ctx.wcAuthNonce) {
    authDie(res, 403, "Invalid nonce");
    return;
  }
  // Approved: create the key, hand it to the callback, keep it only if the callback answered exactly 200.
  const createdAt = wpDate(ctx.clock.now(), ctx.render.utcOffsetMinutes)?.replace("T", " ");
  const key = ctx.store.createKey(p("scope") as KeyPermissions, `${p("app_name")} - API (${createdAt})`);
  const consumerData = {
    key_id: key.keyId,
    user_id: p("user_id"),
    consumer_key: key.consumerKey,
    consumer_secret: key.consumerSecret,
    key_permissions: key.permissions,
  };
  const result = await post(
    p("callback_url"),
    {
      "content-type": "application/json;charset=UTF-8",
      "user-agent": `WordPress/${WP_VERSION}; ${ctx.siteUrl}`,
    },
    phpJsonEncode(consumerData),
    60_000,
  );
  if (result.status !== 200) {
    ctx.store.deleteKeyById(key.keyId);
    authDie(
      res,
      401,
      result.error ??
        "An error occurred in the request and at the time were unable to send the consumer data",
    );
    return;
  }
  redirect(res, withQuery(p("return_url"), { success: "1", user_id: p("user_id") }));
}
