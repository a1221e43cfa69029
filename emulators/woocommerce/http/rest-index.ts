/**
 * WordPress's REST index (`GET /wp-json/`, or `?rest_route=/`): `WP_REST_Server::get_index`, public, no key. It
 * names the site and lists the namespaces a stock WordPress 7.1 + WooCommerce 11.0.1 registers; `routes` holds
 * only the routes this emulator serves (a real store lists hundreds), in WordPress's route-data shape.
 */
import type { WooEmulatorContext } from "../context";
import { RestError } from "../errors";
import { escHtml } from "./esc-html";

/**
 * Namespaces of a stock store, in the order they register on `rest_api_init` (WooCommerce's before core's
 * `wp/v2`, which registers late). Plugins add their own; this list keeps to the well-known ones.
 */
export const INDEX_NAMESPACES = [
  "oembed/1.0",
  "wc-admin",
  "wc-analytics",
  "wc/store",
  "wc/store/v1",
  "wc/private",
  "wc/v1",
  "wc/v2",
  "wc/v3",
  "wp/v2",
  "wp-site-health/v1",
  "wp-block-editor/v1",
] as const;

type Kind = "collection" | "item" | "batch" | "read" | "refund";

/** WooCommerce's v3 route patterns this emulator answers (as `register_rest_route` names them) and their kind. */
const V3_ROUTES: [pattern: string, kind: Kind, ids: string[]][] = [
  ["/customers", "collection", []],
  ["/customers/(?P<id>[\\d]+)", "item", ["id"]],
  ["/customers/batch", "batch", []],
  ["/orders/(?P<order_id>[\\d]+)/refunds", "collection", ["order_id"]],
  ["/orders/(?P<order_id>[\\d]+)/refunds/(?P<id>[\\d]+)", "refund", ["order_id", "id"]],
  ["/orders", "collection", []],
  ["/orders/(?P<id>[\\d]+)", "item", ["id"]],
  ["/orders/batch", "batch", []],
  ["/products", "collection", []],
  ["/products/(?P<id>[\\d]+)", "item", ["id"]],
  ["/products/batch", "batch", []],
  ["/products/(?P<product_id>[\\d]+)/variations", "collection", ["product_id"]],
  ["/products/(?P<product_id>[\\d]+)/variations/(?P<id>[\\d]+)", "item", ["product_id", "id"]],
  ["/products/(?P<product_id>[\\d]+)/variations/batch", "batch", ["product_id"]],
  ["/webhooks", "collection", []],
  ["/webhooks/(?P<id>[\\d]+)", "item", ["id"]],
  ["/webhooks/batch", "batch", []],
  ["/system_status", "read", []],
];

/** The endpoints (method groups) of each kind, as WooCommerce registers them. */
const ENDPOINTS: Record<Kind, string[][]> = {
  collection: [["GET"], ["POST"]],
  item: [["GET"], ["POST", "PUT", "PATCH"], ["DELETE"]],
  batch: [["POST", "PUT", "PATCH"]],
  read: [["GET"]],
  // The emulator reads refunds but does not delete them (the real route also answers DELETE).
  refund: [["GET"]],
};

const ID_DESCRIPTION: Record<string, string> = {
  id: "Unique identifier for the resource.",
  order_id: "The order ID.",
  product_id: "Unique identifier for the variable product.",
};

const CONTEXT_ARG = {
  description: "Scope under which the request is made; determines fields present in response.",
  type: "string",
  enum: ["view", "edit"],
  default: "view",
  required: false,
};

const FORCE_ARG = {
  default: false,
  description: "Whether to bypass trash and force deletion.",
  type: "boolean",
  required: false,
};

/**
 * One endpoint's `args`: the path ids, `context` on reads, `force` on deletes (schema keywords first, `required`
 * last, as WordPress writes them). The real index lists every argument; the emulator's README says so.
 */
function endpointArgs(methods: string[], ids: string[]): Record<string, unknown> | [] {
  const args: Record<string, unknown> = {};
  for (const id of ids) args[id] = { description: ID_DESCRIPTION[id], type: "integer", required: false };
  if (methods.includes("GET")) args.context = CONTEXT_ARG;
  if (methods.includes("DELETE")) args.force = FORCE_ARG;
  // An empty PHP array encodes as [].
  return Object.keys(args).length === 0 ? [] : args;
}

/** `WP_REST_Server::get_data_for_route`: a `_links.self` only for a route without variables. */
function routeData(siteUrl: string, route: string, namespace: string, groups: string[][], ids: string[]) {
  const data: Record<string, unknown> = {
    namespace,
    methods: groups.flat(),
    endpoints: groups.map((methods) => ({ methods, args: endpointArgs(methods, ids) })),
  };
  if (!route.includes("(?P<")) data._links = { self: [{ href: `${siteUrl}/wp-json${route}` }] };
  return data;
}

/**
 * The routes the emulator serves, as `register_rest_route` names them, each with its route data
 * (`get_data_for_route`): the index's `routes`, and the body of an `OPTIONS` request to the route.
 */
export function emulatedRoutes(siteUrl: string): Record<string, Record<string, unknown>> {
  const routes: Record<string, Record<string, unknown>> = {
    "/": {
      namespace: "",
      methods: ["GET"],
      endpoints: [{ methods: ["GET"], args: { context: { default: "view", required: false } } }],
      _links: { self: [{ href: `${siteUrl}/wp-json/` }] },
    },
  };
  for (const [pattern, kind, ids] of V3_ROUTES) {
    const route = `/wc/v3${pattern}`;
    routes[route] = routeData(siteUrl, route, "wc/v3", ENDPOINTS[kind], ids);
  }
  return routes;
}

/**
 * `gmt_offset` as `get_option` returns it for a site whose timezone is a plain UTC offset (Settings → General,
 * "UTC+2"): the stored string, hours ("0", "2", "5.5", "-3"); `timezone_string` is then "".
 */
function gmtOffset(minutes: number): string {
  return String(minutes / 60);
}

/**
 * `authentication`: core adds application passwords where they are available (`is_ssl()`, or a local environment);
 * without them it stays an empty PHP array, `[]` in JSON.
 */
function authentication(siteUrl: string, https: boolean): Record<string, unknown> | [] {
  if (!https) return [];
  return {
    "application-passwords": {
      endpoints: { authorization: `${siteUrl}/wp-admin/authorize-application.php` },
    },
  };
}

/**
 * The index body. `_links` (help only: the active-theme link needs a user who may switch themes, the logo and icon
 * links an image) comes when `_fields` is empty or names it, as `get_index` decides; `_fields` itself is applied
 * afterwards like on every answer.
 */
export function restIndexBody(
  ctx: WooEmulatorContext,
  fields: string[],
  https: boolean,
): Record<string, unknown> {
  const home = ctx.siteUrl;
  const body: Record<string, unknown> = {
    // get_option('blogname') as saved: sanitize_option runs esc_html on it, so "Acme & Co" reads "Acme &amp; Co"
    // and an entity already typed ("Caf&eacute;") is kept, not encoded again.
    name: escHtml(ctx.config.siteName),
    // New installs since WordPress 6.1 have an empty tagline.
    description: "",
    url: home,
    home,
    gmt_offset: gmtOffset(ctx.render.utcOffsetMinutes),
    timezone_string: "",
    page_for_posts: 0,
    page_on_front: 0,
    show_on_front: "posts",
    namespaces: [...INDEX_NAMESPACES],
    authentication: authentication(home, https),
    routes: emulatedRoutes(home),
    site_logo: 0,
    site_icon: 0,
    site_icon_url: "",
  };
  if (fields.length === 0 || fields.some((f) => f === "_links" || f.startsWith("_links."))) {
    body._links = { help: [{ href: "https://developer.wordpress.org/rest-api/" }] };
  }
  return body;
}

/**
 * How a security plugin on `rest_authentication_errors` refuses a REST request nobody is logged in for
 * (`WooEmulatorContext.anonymousRest`). A valid WooCommerce key logs its user in first, so keyed requests pass.
 */
export function anonymousRestRefusal(ctx: WooEmulatorContext): RestError | null {
  switch (ctx.anonymousRest) {
    case "not-logged-in":
      // The REST API handbook's "require authentication for all requests" recipe, used by many plugins.
      return new RestError(401, "rest_not_logged_in", "You are not currently logged in.");
    case "disabled":
      return new RestError(404, "rest_disabled", "The REST API is disabled on this site.");
    default:
      return null;
  }
}
