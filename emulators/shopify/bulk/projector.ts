/**
 * Bulk-operation output without graphql-js execution: walks the bulk query's selection over resolver objects and
 * yields JSONL objects, nested connections as separate objects carrying `__parentId` (Shopify's format). Cheaper
 * than running the executor per record, which matters for 1,000,000-record shops.
 */
import {
  getArgumentValues,
  getNamedType,
  isAbstractType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type SelectionSetNode,
} from "graphql";
import type { GqlContext } from "../graphql/context";
import type { BulkLine } from "./ordering";
import { isConnectionType } from "./validate";

export type { BulkLine };
export { isConnectionType };

export class Projector {
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Record<string, FragmentDefinitionNode>,
    private readonly ctx: GqlContext,
  ) {}

  /** Collects the fields of a selection set that apply to `type` (inline fragments and fragment spreads). */
  collect(type: GraphQLObjectType, selectionSet: SelectionSetNode, out: FieldNode[] = []): FieldNode[] {
    for (const sel of selectionSet.selections) {
      if (sel.kind === Kind.FIELD) out.push(sel);
      else if (sel.kind === Kind.INLINE_FRAGMENT) {
        if (!sel.typeCondition || this.applies(type, sel.typeCondition.name.value))
          this.collect(type, sel.selectionSet, out);
      } else {
        const fragment = this.fragments[sel.name.value];
        if (fragment && this.applies(type, fragment.typeCondition.name.value))
          this.collect(type, fragment.selectionSet, out);
      }
    }
    return out;
  }

  private applies(type: GraphQLObjectType, condition: string): boolean {
    if (condition === type.name) return true;
    const conditionType = this.schema.getType(condition);
    return (
      conditionType !== undefined &&
      isAbstractType(conditionType) &&
      this.schema.isSubType(conditionType, type)
    );
  }

  /** Projects one node; nested connections become child lines with `__parentId`. */
  node(
    source: Record<string, unknown>,
    type: GraphQLObjectType,
    selectionSet: SelectionSetNode,
    parentId: string | null,
  ): BulkLine {
    const object: Record<string, unknown> = {};
    const children: BulkLine[] = [];
    const pendingConnections: Array<{ field: GraphQLField<unknown, unknown>; node: FieldNode }> = [];
    for (const fieldNode of this.collect(type, selectionSet)) {
      const key = fieldNode.alias?.value ?? fieldNode.name.value;
      if (fieldNode.name.value === "__typename") {
        object[key] = type.name;
        continue;
      }
      const field = type.getFields()[fieldNode.name.value];
      if (!field) continue;
      if (isConnectionType(field.type)) {
        pendingConnections.push({ field, node: fieldNode });
        continue;
      }
      object[key] = this.complete(this.read(source, field, fieldNode), field.type, fieldNode.selectionSet);
    }
    if (parentId !== null) object.__parentId = parentId;
    if (pendingConnections.length > 0) {
      const id = this.idOf(source);
      for (const { field, node } of pendingConnections) {
        // Bulk operations return every item of a nested connection: page size arguments do not apply.
        const connection = this.read(
          source,
          field,
          node,
          { first: undefined, last: undefined, after: undefined, before: undefined },
          1_000_000,
        ) as {
          edges: Array<{ node: Record<string, unknown> }>;
        };
        const connectionType = getNamedType(field.type) as GraphQLObjectType;
        for (const sub of this.collect(connectionType, node.selectionSet!)) {
          const nodeSelection = this.nodeSelection(connectionType, sub);
          if (!nodeSelection) continue;
          for (const edge of connection.edges) {
            const childType = this.runtimeType(edge.node, nodeSelection.type);
            children.push(this.node(edge.node, childType, nodeSelection.selectionSet, id));
          }
        }
      }
    }
    return { object, children };
  }

  /** For `edges { node { … } }` or `nodes { … }` under a connection: the node type and selection. */
  nodeSelection(
    connectionType: GraphQLObjectType,
    field: FieldNode,
  ): { type: GraphQLOutputType; selectionSet: SelectionSetNode } | null {
    if (field.name.value === "nodes" && field.selectionSet) {
      return { type: getNamedType(connectionType.getFields().nodes.type), selectionSet: field.selectionSet };
    }
    if (field.name.value === "edges" && field.selectionSet) {
      const edgeType = getNamedType(connectionType.getFields().edges.type) as GraphQLObjectType;
      for (const sub of this.collect(edgeType, field.selectionSet)) {
        if (sub.name.value === "node" && sub.selectionSet) {
          return { type: getNamedType(edgeType.getFields().node.type), selectionSet: sub.selectionSet };
        }
      }
    }
    return null;
  }

  runtimeType(value: Record<string, unknown>, type: GraphQLOutputType): GraphQLObjectType {
    const named = getNamedType(type);
    if (isObjectType(named)) return named;
    const resolved = this.schema.getType(String(value.__typename));
    if (!resolved || !isObjectType(resolved)) throw new Error(`Cannot resolve the type of a ${named.name}`);
    return resolved;
  }

  private idOf(source: Record<string, unknown>): string {
    const id = source.id;
    return String(typeof id === "function" ? (id as () => unknown).call(source) : id);
  }

  read(
    source: Record<string, unknown>,
    field: GraphQLField<unknown, unknown>,
    node: FieldNode,
    overrides: Record<string, unknown> = {},
    defaultSize?: number,
  ): unknown {
    const value = source[field.name];
    if (typeof value !== "function") return value;
    const args = { ...getArgumentValues(field, node, {}), ...overrides };
    if (defaultSize !== undefined) args.__defaultSize = defaultSize;
    return (value as (a: unknown, c: unknown, i: unknown) => unknown).call(source, args, this.ctx, null);
  }

  complete(value: unknown, type: GraphQLOutputType, selectionSet: SelectionSetNode | undefined): unknown {
    if (isNonNullType(type)) return this.complete(value, type.ofType, selectionSet);
    if (value === null || value === undefined) return null;
    if (isListType(type))
      return (value as unknown[]).map((item) => this.complete(item, type.ofType, selectionSet));
    const named = getNamedType(type);
    if (!selectionSet) return value;
    const objectType = this.runtimeType(value as Record<string, unknown>, named);
    return this.node(value as Record<string, unknown>, objectType, selectionSet, null).object;
  }
}
