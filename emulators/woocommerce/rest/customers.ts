/**
 * `/customers`: WordPress users. The default list holds only the `customer` role (`role=all` adds every other user,
 * in the same order, with `X-WP-Total` counting them all) while `customers/{id}` reads any user. `role` is read-only
 * in the item schema: an update ignores it (the control API's `customers/{id}/role` changes it). `modified_after` & co. are not arguments
 * of this route: a real store accepts and silently ignores them, so they are ignored here too.
 */
import type { WooEmulatorContext } from "../context";
import { RestError, missingParams } from "../errors";
import { renderCustomer } from "../render/customer";
import { unknownUser } from "../store/customers";
import type { EmulatedWooCustomer } from "../store/records";
import { inIncludeOrder, includeExclude, paginate, PAGING_ARGS } from "./list";
import { validateArgs, validateEmailArgs } from "./params";
import type { RestRequest, RestResult } from "./request";
import type { RestResource } from "./resource";
import { collationKey, customerSearch } from "./user-search";

/** WordPress core's roles and WooCommerce's; a plugin's role (`wholesale_customer`) exists once a user holds it. */
const ROLES = ["administrator", "editor", "author", "contributor", "subscriber", "customer", "shop_manager"];

/** The `role` argument's values: every registered role, and `all`. */
function roleValues(ctx: WooEmulatorContext): string[] {
  const roles = new Set(ROLES);
  for (const user of ctx.store.staff.values()) roles.add(user.role);
  return ["all", ...roles];
}

function listCustomers(ctx: WooEmulatorContext, req: RestRequest): RestResult {
  const args = validateArgs(
    {
      ...PAGING_ARGS,
      order: { type: "enum", values: ["asc", "desc"], default: "asc" },
      orderby: { type: "enum", values: ["id", "include", "name", "registered_date"], default: "name" },
      email: { type: "string" },
      role: { type: "enum", values: roleValues(ctx), default: "customer" },
    },
    req.params,
  );
  const orderby = args.orderby as string;
  const order = args.order as "asc" | "desc";
  const role = args.role as string;
  const search = customerSearch(
    typeof args.search === "string" ? args.search : undefined,
    typeof args.email === "string" ? args.email : undefined,
  );
  const ids = includeExclude<EmulatedWooCustomer>(req.params);
  // WC_REST_Customers_V2_Controller maps orderby name to WP_User_Query's display_name, registered_date to
  // registered; MySQL compares display_name under WordPress's case- and accent-insensitive collation.
  const sortKey = (c: EmulatedWooCustomer) =>
    orderby === "name" ? collationKey(c.displayName) : orderby === "registered_date" ? c.createdMs : c.id;
  const { store } = ctx;
  const list = ctx.lists.filtered("customers", args, () => {
    // Customers are many and cached; the few staff users join only when the role asks for them.
    const matching = (
      role === "customer"
        ? ctx.lists.sorted("customers", store.customers, orderby, order, sortKey)
        : ctx.lists.sorted("users", new Map([...store.customers, ...store.staff]), orderby, order, sortKey)
    ).filter((c) => (role === "all" || c.role === role) && ids(c) && (!search || search(c)));
    return orderby === "include" ? inIncludeOrder(req.params, matching, order === "desc") : matching;
  });
  return paginate(ctx.siteUrl, req, args, list, (c) => renderCustomer(c, ctx.render), "customers", false);
}

function mustGetUser(ctx: WooEmulatorContext, id: number): EmulatedWooCustomer {
  const user = ctx.store.user(id);
  if (!user) throw unknownUser();
  return user;
}

export const customersResource: RestResource = {
  base: "customers",
  list: listCustomers,
  read: (ctx, id) => renderCustomer(mustGetUser(ctx, id), ctx.render),
  validateCreate(params) {
    if (params.email === undefined || params.email === "") throw missingParams(["email"]);
    validateEmailArgs(params);
  },
  validateUpdate: validateEmailArgs,
  create: (ctx, params) => renderCustomer(ctx.store.createCustomer(params), ctx.render),
  update: (ctx, id, params) => renderCustomer(ctx.store.updateCustomer(id, params), ctx.render),
  remove(ctx, id, force) {
    const before = renderCustomer(mustGetUser(ctx, id), ctx.render);
    if (!force)
      throw new RestError(501, "woocommerce_rest_trash_not_supported", "Customers do not support trashing.");
    ctx.store.deleteCustomer(id);
    return before;
  },
};
