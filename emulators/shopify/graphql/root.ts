/** Root resolvers (QueryRoot and Mutation) over a shop: record queries here, the rest in their own modules. */
import { GraphQLError } from "graphql";
import { parseGid } from "../model";
import { bulkResolvers } from "./bulk-resolvers";
import { paginate, type PageArgs } from "./connection";
import { visibleSince, type GqlContext } from "./context";
import { mutationResolvers } from "./mutations";
import { requireScope, resolveNode } from "./node";
import { CustomerNode, OrderNode, ProductNode, ShopNode } from "./objects";
import { listRecords, type Resource } from "./records";
import { webhookResolvers } from "./webhook-resolvers";

/** Shopify refuses any input array longer than this ("Input arguments that accept an array have a maximum size"). */
const MAX_INPUT_SIZE = 250;

function inputTooLarge(size: number): GraphQLError {
  return new GraphQLError(
    `The input array size of ${size} is greater than the maximum allowed of ${MAX_INPUT_SIZE}.`,
    { extensions: { code: "MAX_INPUT_SIZE_EXCEEDED" } },
  );
}

type ListArgs = PageArgs & { query?: string | null; sortKey?: string | null };

const SCOPES: Record<Resource, string> = {
  customers: "read_customers",
  orders: "read_orders",
  products: "read_products",
};

/** The matching rows of a resource for this token, search warnings recorded for `extensions.search`. */
function list(ctx: GqlContext, resource: Resource, args: ListArgs, field: string) {
  const records = listRecords(ctx.shop, resource, {
    query: args.query,
    sortKey: args.sortKey,
    visibleSince: visibleSince(ctx, resource),
  });
  if (records.warnings.length > 0)
    ctx.searchWarnings.push({ path: [field], query: args.query ?? "", warnings: records.warnings });
  return records;
}

/** The resolver object of one record of `resource`. */
export function nodeOf(ctx: GqlContext, resource: Resource): (record: never) => Record<string, unknown> {
  const shop = ctx.shop;
  if (resource === "customers") return (r) => new CustomerNode(shop, r) as unknown as Record<string, unknown>;
  if (resource === "orders") return (r) => new OrderNode(shop, r) as unknown as Record<string, unknown>;
  return (r) => new ProductNode(shop, r) as unknown as Record<string, unknown>;
}

function countOf(
  ctx: GqlContext,
  resource: Resource,
  args: { query?: string | null; limit?: number | null },
  field: string,
) {
  requireScope(ctx, field, SCOPES[resource]);
  const n = list(ctx, resource, { query: args.query }, field).rows.length;
  // Shopify caps counts at 10,000 by default (precision AT_LEAST); limit: null lifts the cap.
  const limit = args.limit === undefined ? 10_000 : args.limit;
  if (limit !== null && n > limit) return { count: limit, precision: "AT_LEAST" };
  return { count: n, precision: "EXACT" };
}

/** The root value for both operations (graphql-js reads query and mutation fields from the same object). */
export function createRootValue(ctx: GqlContext) {
  const shop = ctx.shop;
  const connection = (resource: Resource) => (args: ListArgs) => {
    requireScope(ctx, resource, SCOPES[resource]);
    const records = list(ctx, resource, args, resource);
    const wrap = nodeOf(ctx, resource);
    return paginate(records.rows, records.keyOf, args, (row) => wrap(records.record(row) as never));
  };
  const single = (resource: Resource, type: string) => (args: { id: string }) => {
    const parsed = parseGid(args.id);
    requireScope(ctx, resource.slice(0, -1), SCOPES[resource]);
    if (!parsed || parsed.type !== type) return null;
    return resolveNode(ctx, args.id, resource.slice(0, -1));
  };
  type CountArgs = { query?: string | null; limit?: number | null };
  return {
    shop: () => new ShopNode(shop),
    customers: connection("customers"),
    orders: connection("orders"),
    products: connection("products"),
    customer: single("customers", "Customer"),
    order: single("orders", "Order"),
    product: single("products", "Product"),
    customersCount: (args: CountArgs) => countOf(ctx, "customers", args, "customersCount"),
    ordersCount: (args: CountArgs) => countOf(ctx, "orders", args, "ordersCount"),
    productsCount: (args: CountArgs) => countOf(ctx, "products", args, "productsCount"),
    node: (args: { id: string }) => resolveNode(ctx, args.id, "node"),
    nodes: (args: { ids: string[] }) => {
      if (args.ids.length > MAX_INPUT_SIZE) throw inputTooLarge(args.ids.length);
      return args.ids.map((id) => resolveNode(ctx, id, "nodes"));
    },
    // The token's scopes, as granted (write_x is listed as itself: it implies read_x, see hasScope).
    currentAppInstallation: () => ({
      id: `gid://shopify/AppInstallation/${shop.id}`,
      accessScopes: ctx.access.scopes.map((handle) => ({ handle, description: handle })),
    }),
    ...bulkResolvers(ctx),
    ...webhookResolvers(ctx),
    ...mutationResolvers(ctx),
  };
}
