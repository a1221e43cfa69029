/**
 * Admin UI extensions in the mini admin: the customer pages (`/admin/customers`, `/admin/customers/{id}`) and the
 * host that runs an app's admin block there.
 *
 * Shopify runs an extension's bundle in a sandbox and renders its Polaris web components (`s-admin-block`,
 * `s-stack`, `s-text`, `s-badge`, …) in the admin. Here each block runs in its own iframe
 * (`/_emulator/extension-host`): the page defines the `shopify` global the bundle reads (`extend`, `data.selected`,
 * `auth.idToken`, `extension.target`), makes `fetch` behave as in the admin (relative URLs resolved against the app
 * URL, `Authorization: Bearer <session token>` added to the app's requests), styles the web components with plain
 * CSS, loads the bundle from `/_emulator/extensions/{handle}.js` and calls the module registered for the target.
 * The bundles are whatever the app built (its `build/extensions/manifest.json`), passed as `app.adminExtensions`.
 */
import type { EmulatorContext, EmuCustomer, EmuShop } from "../model";
import { gid } from "../model";
import { escapeHtml } from "../../shared/http";

export const CUSTOMER_BLOCK_TARGET = "admin.customer-details.block.render";

/** The mini admin's frame (header + navigation) around `main`. */
export function adminShell(
  ctx: EmulatorContext,
  shop: EmuShop,
  active: "customers" | "app",
  title: string,
  main: string,
): string {
  const q = `?shop=${encodeURIComponent(shop.domain)}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · ${escapeHtml(shop.name)} · Shopify emulator</title>
<style>
  html,body{margin:0;font-family:system-ui,sans-serif;background:#f1f1f1;color:#303030}
  header{height:48px;background:#1a1a1a;color:#e3e3e3;display:flex;align-items:center;gap:16px;padding:0 16px}
  header strong{color:#fff}
  .layout{display:flex;min-height:calc(100vh - 48px)}
  nav{width:220px;padding:12px;box-sizing:border-box;font-size:14px;flex:none}
  nav a{display:block;padding:6px 8px;border-radius:8px;color:inherit;text-decoration:none}
  nav a.active{background:#fff;font-weight:600}
  main{flex:1;padding:16px;max-width:1000px;box-sizing:border-box;min-width:0}
  .card{background:#fff;border-radius:12px;box-shadow:0 1px 0 rgba(0,0,0,.07);padding:16px;margin-bottom:16px}
  .card h2{font-size:14px;margin:0 0 8px}
  table{border-collapse:collapse;width:100%;font-size:14px}
  td,th{text-align:left;padding:8px;border-bottom:1px solid #ebebeb}
  a{color:#005bd3}
  iframe.block{width:100%;border:0;height:220px;display:block}
  @media (max-width: 768px){nav{display:none}main{padding:8px}}
</style>
</head>
<body>
<header><strong>Shopify emulator</strong><span>${escapeHtml(shop.name)} (${escapeHtml(shop.domain)})</span></header>
<div class="layout">
  <nav aria-label="Admin"><a>Home</a><a>Orders</a><a>Products</a><a href="/admin/customers${q}" class="${active === "customers" ? "active" : ""}">Customers</a><a href="/admin/apps/${encodeURIComponent(ctx.app.appHandle)}${q}" class="${active === "app" ? "active" : ""}">${escapeHtml(ctx.app.appHandle)}</a></nav>
  <main>${main}</main>
</div>
</body>
</html>`;
}

function customerName(c: EmuCustomer): string {
  return [c.firstName, c.lastName].filter(Boolean).join(" ") || c.email || `Customer ${c.id}`;
}

/** `/admin/customers`: the newest customers, each linking to its page. */
export function customersIndexPage(ctx: EmulatorContext, shop: EmuShop): string {
  const q = `?shop=${encodeURIComponent(shop.domain)}`;
  const rows = [...shop.customers.values()]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .slice(0, 50)
    .map(
      (c) =>
        `<tr><td><a href="/admin/customers/${c.id}${q}">${escapeHtml(customerName(c))}</a></td><td>${escapeHtml(c.email ?? "")}</td></tr>`,
    )
    .join("");
  return adminShell(
    ctx,
    shop,
    "customers",
    "Customers",
    `<h1>Customers</h1><div class="card"><table><thead><tr><th>Name</th><th>Email</th></tr></thead><tbody>${rows}</tbody></table></div>`,
  );
}

/** `/admin/customers/{id}`: the customer, then one iframe per app block of the customer details target. */
export function customerPage(ctx: EmulatorContext, shop: EmuShop, customer: EmuCustomer): string {
  const blocks = (ctx.app.adminExtensions ?? []).filter((e) => e.target === CUSTOMER_BLOCK_TARGET);
  const resource = gid("Customer", customer.id);
  const frames = blocks
    .map((e) => {
      const src = `/_emulator/extension-host?handle=${encodeURIComponent(e.handle)}&shop=${encodeURIComponent(shop.domain)}&resource=${encodeURIComponent(resource)}`;
      return `<div class="card"><iframe class="block" title="${escapeHtml(e.handle)}" data-extension="${escapeHtml(e.handle)}" src="${escapeHtml(src)}"></iframe></div>`;
    })
    .join("");
  const main = `<p><a href="/admin/customers?shop=${encodeURIComponent(shop.domain)}">← Customers</a></p>
<h1>${escapeHtml(customerName(customer))}</h1>
<div class="card"><h2>Customer</h2><p>${escapeHtml(customer.email ?? "No email")}</p><p>${escapeHtml(customer.phone ?? "")}</p><p><code>${escapeHtml(resource)}</code></p></div>
${frames || `<div class="card"><p>No app block is installed for customer pages.</p></div>`}`;
  return adminShell(ctx, shop, "customers", customerName(customer), main);
}

/** The CSS that gives the Polaris web components a readable look (layout, tones); not Shopify's rendering. */
const COMPONENT_CSS = `
  body{margin:0;font:14px/1.4 system-ui,sans-serif;color:#303030}
  s-admin-block{display:block;padding:4px 0}
  s-admin-block::before{content:attr(heading);display:block;font-weight:650;font-size:14px;margin-bottom:12px}
  s-stack{display:flex;flex-direction:column;gap:12px}
  s-stack[direction=inline]{flex-direction:row;flex-wrap:wrap;align-items:baseline}
  s-stack[gap=small-200]{gap:6px} s-stack[gap=large]{gap:24px}
  s-text{display:inline} s-text[type=strong]{font-weight:650} s-text[color=subdued]{color:#616161;display:block}
  s-paragraph{display:block;margin:0 0 8px}
  s-badge{display:inline-block;padding:2px 8px;border-radius:8px;background:#e3e3e3;font-size:12px}
  s-badge[tone=success]{background:#cdfee1;color:#0c5132} s-badge[tone=info]{background:#e0f0ff;color:#00527c}
  s-badge[tone=critical]{background:#fedad9;color:#8e0b21} s-badge[tone=warning],s-badge[tone=caution]{background:#fff1e3}
  s-banner{display:block;padding:8px 12px;border-radius:8px;background:#f1f1f1}
  s-banner::before{content:attr(heading);display:block;font-weight:650}
  s-banner[tone=critical]{background:#fedad9}
  s-spinner::after{content:"Loading…";color:#616161}
`;

/** `/_emulator/extension-host`: runs one extension bundle for one resource. */
export function extensionHostPage(
  ctx: EmulatorContext,
  shop: EmuShop,
  extension: { handle: string; target: string },
  resourceGid: string,
): string {
  const config = {
    emulatorUrl: ctx.baseUrl,
    appUrl: ctx.app.appUrl,
    shop: shop.domain,
    target: extension.target,
    resource: resourceGid,
  };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><style>${COMPONENT_CSS}</style>
<script>
(function () {
  "use strict";
  var config = ${JSON.stringify(config).replace(/</g, "\\u003c")};
  var registered = {};
  var originalFetch = window.fetch.bind(window);
  function idToken() {
    return originalFetch(config.emulatorUrl + "/_emulator/session-token?shop=" + encodeURIComponent(config.shop))
      .then(function (r) { if (!r.ok) throw new Error("session token request failed (" + r.status + ")"); return r.json(); })
      .then(function (b) { return b.token; });
  }
  window.fetch = function (input, init) {
    var url = typeof input === "string" || input instanceof URL ? String(input) : input.url;
    var target = new URL(url, config.appUrl);
    if (target.origin !== new URL(config.appUrl).origin) return originalFetch(input, init);
    return idToken().then(function (token) {
      var headers = new Headers((init && init.headers) || undefined);
      headers.set("Authorization", "Bearer " + token);
      return originalFetch(target.toString(), Object.assign({}, init, { headers: headers, credentials: "omit" }));
    });
  };
  window.shopify = {
    extend: function (target, fn) { registered[target] = fn; },
    extension: { target: config.target },
    data: { selected: [{ id: config.resource }] },
    auth: { idToken: idToken },
    i18n: { translate: function (key) { return key; } },
    close: function () {}
  };
  window.addEventListener("load", function () {
    var run = registered[config.target];
    if (!run) { document.body.textContent = "The extension did not register " + config.target + "."; return; }
    Promise.resolve(run()).catch(function (e) { document.body.textContent = "Extension error: " + e.message; });
  });
})();
</script>
<script src="/_emulator/extensions/${encodeURIComponent(extension.handle)}.js"></script>
</head><body></body></html>`;
}
