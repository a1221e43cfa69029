/** The shapes REST handlers receive and return, and the permission checks WordPress routes apply. */
import { RestError } from "../errors";
import type { QueryEntry } from "../php";
import type { EmulatedWooApiKey } from "../store/records";

export interface RestRequest {
  /** The method the route sees (after `_method` / X-HTTP-Method-Override). */
  method: string;
  /** Route relative to /wc/v3, e.g. /orders/12 */
  route: string;
  /** The query in request order; list handlers add the defaults the real controllers write back (Link repeats them). */
  query: QueryEntry[];
  /** Query and body parameters merged, body winning (WP_REST_Request::get_params). */
  params: Record<string, unknown>;
  /** The authenticated key, or null for an anonymous request (the route's permission check answers 401). */
  key: EmulatedWooApiKey | null;
}

export interface RestResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type RestAction = "list" | "view" | "create" | "edit" | "delete" | "batch";

const PERMISSION: Record<RestAction, [string, string]> = {
  list: ["woocommerce_rest_cannot_view", "Sorry, you cannot list resources."],
  view: ["woocommerce_rest_cannot_view", "Sorry, you cannot view this resource."],
  create: ["woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources."],
  edit: ["woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."],
  delete: ["woocommerce_rest_cannot_delete", "Sorry, you are not allowed to delete this resource."],
  batch: ["woocommerce_rest_cannot_batch", "Sorry, you are not allowed to batch manipulate this resource."],
};

/** The route's permission callback: an anonymous request gets 401 with the message for the action. */
export function requireUser(req: RestRequest, action: RestAction): void {
  if (req.key) return;
  const [code, message] = PERMISSION[action];
  throw new RestError(401, code, message);
}

/** `force=true` as WordPress reads a boolean argument. */
export function isForce(value: unknown): boolean {
  return value === true || value === "true" || value === "1" || value === 1;
}

export const ITEM_ALLOW = { Allow: "GET, POST, PUT, PATCH, DELETE" };
export const COLLECTION_ALLOW = { Allow: "GET, POST" };
