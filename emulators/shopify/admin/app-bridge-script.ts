/**
 * The App Bridge stand-in served at /_emulator/app-bridge.js. Real App Bridge (cdn.shopify.com) cannot be
 * reached here; this script gives an embedded app what it relies on: `window.shopify` with `idToken()` and
 * `config`, a `fetch` that adds `Authorization: Bearer <session token>` to the app's own requests (and retries
 * once when the server asks for a fresh token), the `shopify-reload` bounce used by shopify-app-remix, toasts,
 * and inert versions of the admin web components (`ui-nav-menu`, `s-app-nav`, `ui-title-bar`, …).
 */

/** The script text, with the emulator URL and API key baked in. */
export function appBridgeScript(options: { emulatorUrl: string; apiKey: string }): string {
  return `/* Shopify emulator: App Bridge stand-in (not Shopify's App Bridge). */
(function () {
  "use strict";
  var EMULATOR_URL = ${JSON.stringify(options.emulatorUrl)};
  var current = document.currentScript;
  var API_KEY = (current && current.getAttribute("data-api-key")) ||
    (document.querySelector('meta[name="shopify-api-key"]') || { content: "" }).content || ${JSON.stringify(options.apiKey)};
  var params = new URLSearchParams(window.location.search);
  var STORE_KEY = "shopify-emulator-app-bridge";
  var saved = {};
  try { saved = JSON.parse(window.sessionStorage.getItem(STORE_KEY) || "{}"); } catch (e) { saved = {}; }
  var config = {
    apiKey: API_KEY,
    shop: params.get("shop") || saved.shop || "demo.myshopify.com",
    host: params.get("host") || saved.host || "",
    locale: params.get("locale") || saved.locale || "en",
    disabledFeatures: [],
    experimentalFeatures: []
  };
  try { window.sessionStorage.setItem(STORE_KEY, JSON.stringify({ shop: config.shop, host: config.host, locale: config.locale })); } catch (e) { /* storage may be disabled */ }

  var originalFetch = window.fetch.bind(window);

  function idToken() {
    return originalFetch(EMULATOR_URL + "/_emulator/session-token?shop=" + encodeURIComponent(config.shop), {
      credentials: "omit"
    }).then(function (response) {
      if (!response.ok) throw new Error("Shopify emulator: session token request failed (" + response.status + ")");
      return response.json();
    }).then(function (body) { return body.token; });
  }

  function isAppRequest(url) {
    try { return new URL(url, window.location.href).origin === window.location.origin; } catch (e) { return false; }
  }

  function withToken(input, init, token) {
    var request = new Request(input, init);
    var headers = new Headers(request.headers);
    headers.set("Authorization", "Bearer " + token);
    return new Request(request, { headers: headers });
  }

  window.fetch = function (input, init) {
    // Resolve relative URLs against the page, as the browser would when building the Request.
    if (typeof input === "string" || input instanceof URL) input = new URL(String(input), window.location.href).toString();
    var url = typeof input === "string" ? input : input.url;
    var hasAuth = new Headers((init && init.headers) || (input instanceof Request ? input.headers : undefined)).has("Authorization");
    if (!isAppRequest(url) || hasAuth) return originalFetch(input, init);
    var retryable = new Request(input, init);
    return idToken().then(function (token) {
      return originalFetch(withToken(retryable.clone(), undefined, token));
    }).then(function (response) {
      var reauthorizeUrl = response.headers.get("X-Shopify-API-Request-Failure-Reauthorize-Url");
      if (reauthorizeUrl) { window.open(reauthorizeUrl, "_top"); return response; }
      if (response.status === 401 && response.headers.get("X-Shopify-Retry-Invalid-Session-Request") === "1") {
        return idToken().then(function (token) { return originalFetch(withToken(retryable.clone(), undefined, token)); });
      }
      return response;
    });
  };

  function toastShow(message, opts) {
    var el = document.createElement("div");
    el.setAttribute("role", "status");
    el.setAttribute("data-shopify-emulator-toast", "");
    el.textContent = String(message);
    el.style.cssText = "position:fixed;bottom:24px;left:50%;transform:translateX(-50%);padding:10px 16px;" +
      "border-radius:8px;font:14px system-ui,sans-serif;z-index:2147483647;color:#fff;background:" +
      (opts && opts.isError ? "#8e1f0b" : "#303030");
    (document.body || document.documentElement).appendChild(el);
    setTimeout(function () { el.remove(); }, (opts && opts.duration) || 5000);
    return "toast-" + Date.now();
  }

  var noop = function () {};
  var shopify = {
    config: config,
    origin: EMULATOR_URL,
    environment: { embedded: true, mobile: false, pos: false },
    idToken: idToken,
    user: function () { return Promise.resolve({ id: 1, name: "Demo Merchant", accountAccess: "Account owner" }); },
    toast: { show: toastShow, hide: noop },
    loading: function () {},
    saveBar: { show: function () { return Promise.resolve(); }, hide: function () { return Promise.resolve(); }, toggle: function () { return Promise.resolve(); }, leaveConfirmation: function () { return Promise.resolve(); } },
    modal: { show: function () { return Promise.resolve(); }, hide: function () { return Promise.resolve(); }, toggle: function () { return Promise.resolve(); } },
    resourcePicker: function () { return Promise.resolve(undefined); },
    scopes: { query: function () { return Promise.resolve({ granted: [], required: [], optional: [] }); } },
    navigate: function (path) { window.location.assign(path); }
  };
  window.shopify = shopify;

  // shopify-app-remix's bounce page: reload the given app URL with a fresh id_token.
  var reload = params.get("shopify-reload");
  if (reload) {
    idToken().then(function (token) {
      var target = new URL(reload, window.location.href);
      target.searchParams.set("id_token", token);
      window.location.replace(target.toString());
    });
  }

  // Admin web components render in Shopify's admin, not in the app: define them as hidden, inert elements.
  // The navigation menu is hidden in the app and shown by the admin: its links are posted to the mini admin, which
  // lists them under the app's name (as Shopify's admin sidebar does).
  function postNavMenu(menu) {
    var items = Array.prototype.map.call(menu.querySelectorAll("a"), function (a) {
      return { label: (a.textContent || "").trim(), href: a.getAttribute("href") || "", home: a.getAttribute("rel") === "home" };
    });
    if (window.parent !== window) window.parent.postMessage({ type: "shopify-emulator:nav-menu", items: items }, "*");
  }
  ["ui-nav-menu", "s-app-nav", "ui-title-bar", "ui-save-bar", "ui-modal", "s-app-window"].forEach(function (name) {
    if (window.customElements && !window.customElements.get(name)) {
      var isNav = name === "ui-nav-menu" || name === "s-app-nav";
      window.customElements.define(name, class extends HTMLElement {
        connectedCallback() {
          this.style.display = "none";
          if (!isNav) return;
          var menu = this;
          postNavMenu(menu);
          new MutationObserver(function () { postNavMenu(menu); }).observe(menu, { childList: true, subtree: true, characterData: true });
        }
      });
    }
  });
})();
`;
}
