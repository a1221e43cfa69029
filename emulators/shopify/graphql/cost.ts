/**
 * Query cost. The REQUESTED cost follows Shopify's documented method: scalars and enums 0, objects 1, connections
 * 2 + first (or last) × the cost of one node and its selection, lists of objects × their size (`first`, or the
 * number of `ids` for `nodes`), mutations 10; count fields (`ordersCount { count }`, type `Count`) 10. It is computed
 * before execution from the page-size arguments and decides MAX_COST_EXCEEDED and whether the bucket can pay.
 *
 * The ACTUAL cost is computed afterwards from the data really returned, by one of two models:
 * - "observed" (default): an approximation fitted to what real Shopify reports, NOT Shopify's algorithm (which is
 *   not published). Real Shopify charges far below the documented formula: a 250-node page of scalars reports
 *   requested 252, actual 12. Here a connection costs 2 + ⌈Σ returned node costs ÷ 25⌉ (a node: 1 + its
 *   selection, nested connections costed the same way), a list of objects ⌈Σ item costs ÷ 25⌉, an object 1 + its
 *   selection, a count field 10, a mutation 10. 250 scalar nodes → 2 + 10 = 12.
 * - "documented": the documented formula applied to the page sizes really returned (250 scalar nodes → 252), for
 *   scenarios that need throttle-bound pages.
 */
import {
  getArgumentValues,
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

export const MUTATION_COST = 10;

/** Count fields (`ordersCount`, `productsCount`, … of type `Count`): 10 points requested and actual. */
export const COUNT_FIELD_COST = 10;

/** "observed" model: returned node (or list item) cost units charged per actual point. */
export const OBSERVED_UNITS_PER_POINT = 25;

/** How the actual cost is computed (see the header). */
export type ActualCostModel = "observed" | "documented";

function isCountType(type: GraphQLCompositeType): boolean {
  return type.name === "Count";
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

function isConnection(type: GraphQLCompositeType): boolean {
  return isObjectType(type) && type.name.endsWith("Connection") && "edges" in type.getFields();
}

/** Fields of a selection set on a composite type, merged across fragments (upper bound for abstract types). */
function fieldsOf(
  walk: Walk,
  type: GraphQLCompositeType,
  selectionSet: SelectionSetNode,
): Array<{ node: FieldNode; def: GraphQLField<unknown, unknown> | null; key: string }> {
  const out: Array<{ node: FieldNode; def: GraphQLField<unknown, unknown> | null; key: string }> = [];
  const lookup = (name: string): GraphQLField<unknown, unknown> | null => {
    if (isObjectType(type) || isInterfaceType(type)) return type.getFields()[name] ?? null;
    return null;
  };
  const visit = (set: SelectionSetNode, within: GraphQLCompositeType) => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        let def = within === type ? lookup(sel.name.value) : null;
        if (!def && (isObjectType(within) || isInterfaceType(within)))
          def = within.getFields()[sel.name.value] ?? null;
        out.push({ node: sel, def, key: sel.alias?.value ?? sel.name.value });
      } else {
        const condition =
          sel.kind === Kind.INLINE_FRAGMENT
            ? sel.typeCondition?.name.value
            : walk.fragments[sel.name.value]?.typeCondition.name.value;
        const set2 =
          sel.kind === Kind.INLINE_FRAGMENT ? sel.selectionSet : walk.fragments[sel.name.value]?.selectionSet;
        if (!set2) continue;
        const conditionType = condition ? walk.schema.getType(condition) : within;
        visit(set2, conditionType && isCompositeType(conditionType) ? conditionType : within);
      }
    }
  };
  visit(selectionSet, type);
  return out;
}

function pageSize(walk: Walk, def: GraphQLField<unknown, unknown>, node: FieldNode): number {
  try {
    const args = getArgumentValues(def, node, walk.variables) as {
      first?: number | null;
      last?: number | null;
      ids?: unknown;
    };
    // `nodes(ids:)` is a list sized by its input: each id is charged like a node.
    return args.first ?? args.last ?? (Array.isArray(args.ids) ? args.ids.length : 0);
  } catch {
    return 0;
  }
}

/** Cost of one node of a connection: 1 for the node object plus its selection (max over edges.node / nodes). */
function connectionNodeCost(
  walk: Walk,
  connection: GraphQLCompositeType & { getFields: () => Record<string, GraphQLField<unknown, unknown>> },
  selectionSet: SelectionSetNode,
): number {
  let cost = 0;
  for (const f of fieldsOf(walk, connection, selectionSet)) {
    if (f.node.name.value === "nodes" && f.node.selectionSet && f.def) {
      cost = Math.max(
        cost,
        1 + selectionCost(walk, getNamedType(f.def.type) as GraphQLCompositeType, f.node.selectionSet),
      );
    } else if (f.node.name.value === "edges" && f.node.selectionSet && f.def) {
      const edgeType = getNamedType(f.def.type) as GraphQLCompositeType;
      for (const e of fieldsOf(walk, edgeType, f.node.selectionSet)) {
        if (e.node.name.value === "node" && e.node.selectionSet && e.def) {
          cost = Math.max(
            cost,
            1 + selectionCost(walk, getNamedType(e.def.type) as GraphQLCompositeType, e.node.selectionSet),
          );
        }
      }
    }
  }
  return cost;
}

function selectionCost(walk: Walk, type: GraphQLCompositeType, selectionSet: SelectionSetNode): number {
  let total = 0;
  for (const f of fieldsOf(walk, type, selectionSet)) {
    if (!f.def || !f.node.selectionSet) continue; // scalars, enums, __typename: 0
    const named = getNamedType(f.def.type);
    if (!isCompositeType(named)) continue;
    if (isCountType(named)) {
      total += COUNT_FIELD_COST;
    } else if (isConnection(named)) {
      total +=
        2 + pageSize(walk, f.def, f.node) * connectionNodeCost(walk, named as never, f.node.selectionSet);
    } else {
      let unwrapped = f.def.type;
      if (isNonNullType(unwrapped)) unwrapped = unwrapped.ofType;
      // A plain list of objects with a size argument (e.g. refunds(first:)) is charged per requested item.
      const multiplier = isListType(unwrapped) ? Math.max(1, pageSize(walk, f.def, f.node)) : 1;
      total += multiplier * (1 + selectionCost(walk, named, f.node.selectionSet));
    }
  }
  return total;
}

export function operationContext(
  schema: GraphQLSchema,
  fragments: FragmentDefinitionNode[],
  variables: Record<string, unknown>,
): Walk {
  return { schema, fragments: Object.fromEntries(fragments.map((f) => [f.name.value, f])), variables };
}

/** Requested cost of an operation, before execution. */
export function requestedQueryCost(walk: Walk, operation: OperationDefinitionNode): number {
  if (operation.operation === "mutation") {
    return (
      fieldsOf(walk, walk.schema.getMutationType()!, operation.selectionSet).filter(
        (f) => f.node.name.value !== "__typename",
      ).length * MUTATION_COST
    );
  }
  return selectionCost(walk, walk.schema.getQueryType()!, operation.selectionSet);
}

function actualSelectionCost(
  walk: Walk,
  model: ActualCostModel,
  type: GraphQLCompositeType,
  selectionSet: SelectionSetNode,
  data: Record<string, unknown> | null,
): number {
  if (!data) return 0;
  // Σ of returned node / item costs → points: as is (documented), or 1 point per 25 units (observed).
  const scaled = (units: number) =>
    model === "documented" ? units : Math.ceil(units / OBSERVED_UNITS_PER_POINT);
  let total = 0;
  for (const f of fieldsOf(walk, type, selectionSet)) {
    if (!f.def || !f.node.selectionSet) continue;
    const named = getNamedType(f.def.type);
    if (!isCompositeType(named)) continue;
    const value = data[f.key];
    if (isCountType(named)) {
      total += COUNT_FIELD_COST;
    } else if (isConnection(named)) {
      const conn = value as {
        edges?: Array<{ node?: Record<string, unknown> }>;
        nodes?: Array<Record<string, unknown>>;
      } | null;
      total += 2;
      if (!conn) continue;
      const connFields = fieldsOf(walk, named, f.node.selectionSet);
      let best = 0;
      for (const cf of connFields) {
        if (
          cf.node.name.value === "nodes" &&
          cf.def &&
          cf.node.selectionSet &&
          Array.isArray(conn[cf.key as "nodes"])
        ) {
          const nodeType = getNamedType(cf.def.type) as GraphQLCompositeType;
          const list = conn[cf.key as "nodes"] as Array<Record<string, unknown>>;
          best = Math.max(
            best,
            list.reduce(
              (sum, n) => sum + 1 + actualSelectionCost(walk, model, nodeType, cf.node.selectionSet!, n),
              0,
            ),
          );
        } else if (
          cf.node.name.value === "edges" &&
          cf.def &&
          cf.node.selectionSet &&
          Array.isArray(conn[cf.key as "edges"])
        ) {
          const edgeType = getNamedType(cf.def.type) as GraphQLCompositeType;
          const edges = conn[cf.key as "edges"] as Array<Record<string, unknown>>;
          for (const ef of fieldsOf(walk, edgeType, cf.node.selectionSet)) {
            if (ef.node.name.value !== "node" || !ef.def || !ef.node.selectionSet) continue;
            const nodeType = getNamedType(ef.def.type) as GraphQLCompositeType;
            best = Math.max(
              best,
              edges.reduce((sum, e) => {
                const n = e[ef.key] as Record<string, unknown> | null;
                return sum + 1 + actualSelectionCost(walk, model, nodeType, ef.node.selectionSet!, n);
              }, 0),
            );
          }
        }
      }
      total += scaled(best);
    } else if (Array.isArray(value)) {
      let units = 0;
      for (const item of value as Array<Record<string, unknown>>) {
        units += 1 + actualSelectionCost(walk, model, named, f.node.selectionSet, item);
      }
      total += scaled(units);
    } else {
      total +=
        1 +
        actualSelectionCost(walk, model, named, f.node.selectionSet, value as Record<string, unknown> | null);
    }
  }
  return total;
}

/** Actual cost, from the data really returned (page sizes actually served), by `model` (see the header). */
export function actualQueryCost(
  walk: Walk,
  operation: OperationDefinitionNode,
  data: Record<string, unknown> | null | undefined,
  model: ActualCostModel = "observed",
): number {
  if (operation.operation === "mutation") return requestedQueryCost(walk, operation);
  return actualSelectionCost(walk, model, walk.schema.getQueryType()!, operation.selectionSet, data ?? null);
}
