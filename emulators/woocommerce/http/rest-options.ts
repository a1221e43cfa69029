/**
 * `OPTIONS` on a REST route, as WordPress answers it: `rest_handle_options_request` (a `rest_pre_dispatch` filter,
 * so after authentication and before any permission callback) finds the first registered route whose pattern
 * matches the request's route (`preg_match('@^' . $route . '$@i')`) and answers 200 with the route's data
 * (`get_data_for_route($route, $endpoints, 'help')`: namespace, methods, endpoints, `_links.self` for a route
 * without variables). No route matches: 200 with `[]`, and no `Allow`. A matched route then gets
 * `rest_send_allow_header`'s `Allow`: the methods whose permission callback passes, so none for an anonymous
 * caller on WooCommerce's routes, and `GET` on the index (its callback is `__return_true`).
 *
 * Not modelled: with `help`, WordPress adds the route's `schema` (WooCommerce's `get_public_item_schema`, the full
 * JSON schema of the record) after `endpoints`; the emulator has no faithful copy of those schemas and leaves the
 * key out rather than invent one (ADR 0061).
 */
import type { RestResult } from "../rest/request";
import { routeAllow } from "../rest/router";
import { emulatedRoutes } from "./rest-index";

/** A `register_rest_route` pattern as a JavaScript expression: PCRE's `(?P<name>…)` is `(?<name>…)`. */
function routeExpression(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/\(\?P</g, "(?<")}$`, "i");
}

/** The answer to `OPTIONS {restPath}`; `authenticated` when a valid key logged its user in. */
export function optionsAnswer(siteUrl: string, restPath: string, authenticated: boolean): RestResult {
  for (const [pattern, data] of Object.entries(emulatedRoutes(siteUrl))) {
    if (!routeExpression(pattern).test(restPath)) continue;
    const allow =
      pattern === "/"
        ? "GET"
        : authenticated
          ? routeAllow(restPath.slice("/wc/v3".length).toLowerCase())
          : undefined;
    return { status: 200, body: data, headers: allow ? { Allow: allow } : {} };
  }
  return { status: 200, body: [], headers: {} };
}
