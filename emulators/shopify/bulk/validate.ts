/**
 * Shopify's structural rules for a bulk query, with its wording (`userErrors`, code INVALID): one top-level field
 * (never `node`), at least one connection, at most 5 connections, nesting at most 2 below the top-level one,
 * connections selected through `edges { node }` (never `nodes`), a nested connection's parent node selecting `id`
 * unaliased, no connection inside a list field. Every structural error is reported at once, as Shopify does.
 */
import {
  getNamedType,
  isAbstractType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type SelectionSetNode,
} from "graphql";
import type { BulkUserError } from "../graphql/bulk-service";

export const MAX_BULK_CONNECTIONS = 5;
/** Nesting below the top-level connection (top level = 0). */
export const MAX_BULK_CONNECTION_DEPTH = 2;

export const invalidBulkQuery = (message: string): BulkUserError => ({
  field: ["query"],
  message,
  code: "INVALID",
});

interface Analysis {
  connections: number;
  maxDepth: number;
  withoutEdgesNode: string[];
  withoutParentId: string[];
  connectionInList: boolean;
}

interface SelectedField {
  node: FieldNode;
  def: GraphQLField<unknown, unknown> | null;
}

export function isConnectionType(type: GraphQLOutputType | GraphQLNamedType): boolean {
  const named = getNamedType(type);
  return isObjectType(named) && named.name.endsWith("Connection") && "edges" in named.getFields();
}

function isListField(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

/** The fields of a selection set, fragments flattened, each with its definition on the type it applies to. */
function selectedFields(
  schema: GraphQLSchema,
  fragments: Record<string, FragmentDefinitionNode>,
  type: GraphQLNamedType,
  selectionSet: SelectionSetNode,
  out: SelectedField[] = [],
): SelectedField[] {
  for (const sel of selectionSet.selections) {
    if (sel.kind === Kind.FIELD) {
      const fields = isObjectType(type) || isInterfaceType(type) ? type.getFields() : {};
      out.push({ node: sel, def: fields[sel.name.value] ?? null });
      continue;
    }
    const fragment = sel.kind === Kind.FRAGMENT_SPREAD ? fragments[sel.name.value] : sel;
    if (!fragment) continue;
    const condition = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : type;
    selectedFields(schema, fragments, condition ?? type, fragment.selectionSet, out);
  }
  return out;
}

export class BulkQueryValidator {
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Record<string, FragmentDefinitionNode>,
  ) {}

  /** Structural errors of a bulk query whose single operation selects `rootFields` on QueryRoot. */
  validate(rootFields: FieldNode[]): BulkUserError[] {
    const queryType = this.schema.getQueryType()!;
    const errors: BulkUserError[] = [];
    if (rootFields.some((f) => f.name.value === "node"))
      errors.push(invalidBulkQuery("Bulk queries cannot contain a top level `node` field."));
    const analysis: Analysis = {
      connections: 0,
      maxDepth: 0,
      withoutEdgesNode: [],
      withoutParentId: [],
      connectionInList: false,
    };
    for (const field of selectedFields(this.schema, this.fragments, queryType, {
      kind: Kind.SELECTION_SET,
      selections: rootFields,
    })) {
      this.walkField(field, -1, false, analysis);
    }
    if (analysis.connections > MAX_BULK_CONNECTIONS)
      errors.push(
        invalidBulkQuery(`Bulk queries cannot contain more than ${MAX_BULK_CONNECTIONS} connections.`),
      );
    if (analysis.maxDepth > MAX_BULK_CONNECTION_DEPTH)
      errors.push(
        invalidBulkQuery(
          `Bulk queries cannot contain connections with a nesting depth greater than ${MAX_BULK_CONNECTION_DEPTH}.`,
        ),
      );
    if (analysis.withoutEdgesNode.length > 0) {
      const names = analysis.withoutEdgesNode;
      errors.push(
        invalidBulkQuery(
          `All connection fields in a bulk query must select their contents using 'edges' > 'node', e.g: '${names[0]} { edges { node {'. Selecting via 'nodes' is not supported. Invalid connection fields: ${names.map((n) => `'${n}'`).join(", ")}.`,
        ),
      );
    }
    if (analysis.withoutParentId.length > 0) {
      errors.push(
        invalidBulkQuery(
          `The parent 'node' field for a nested connection must select the 'id' field without an alias and must be of 'ID' return type. Connection fields without 'id': ${analysis.withoutParentId.join(", ")}.`,
        ),
      );
    }
    if (analysis.connectionInList) {
      errors.push(
        invalidBulkQuery(
          "Queries that contain a connection field within a list field are not currently supported.",
        ),
      );
    }
    if (analysis.connections === 0)
      errors.push(invalidBulkQuery("Bulk queries must contain at least one connection."));
    return errors;
  }

  private walkField(field: SelectedField, depth: number, inList: boolean, analysis: Analysis): void {
    if (!field.def || !field.node.selectionSet) return;
    const type = field.def.type;
    if (isConnectionType(type)) {
      this.walkConnection(field, depth + 1, inList, analysis);
      return;
    }
    const listHere = inList || isListField(type);
    for (const child of selectedFields(
      this.schema,
      this.fragments,
      getNamedType(type),
      field.node.selectionSet,
    )) {
      this.walkField(child, depth, listHere, analysis);
    }
  }

  private walkConnection(field: SelectedField, depth: number, inList: boolean, analysis: Analysis): void {
    const name = field.node.name.value;
    analysis.connections += 1;
    analysis.maxDepth = Math.max(analysis.maxDepth, depth);
    if (inList) analysis.connectionInList = true;
    const connectionType = getNamedType(field.def!.type);
    const children = selectedFields(this.schema, this.fragments, connectionType, field.node.selectionSet!);
    const nodes = children.filter((c) => c.node.name.value === "nodes" && c.node.selectionSet);
    const edges = children.filter((c) => c.node.name.value === "edges" && c.node.selectionSet);
    const edgeNodes = edges.flatMap((edge) =>
      selectedFields(
        this.schema,
        this.fragments,
        getNamedType(edge.def!.type),
        edge.node.selectionSet!,
      ).filter((c) => c.node.name.value === "node" && c.node.selectionSet && c.def),
    );
    if ((nodes.length > 0 || edgeNodes.length === 0) && !analysis.withoutEdgesNode.includes(name))
      analysis.withoutEdgesNode.push(name);
    for (const nodeField of [...edgeNodes, ...nodes]) {
      if (!nodeField.def) continue;
      const nodeType = getNamedType(nodeField.def.type);
      const selected = selectedFields(this.schema, this.fragments, nodeType, nodeField.node.selectionSet!);
      const hasId = selected.some((c) => c.node.name.value === "id" && !c.node.alias);
      if (!hasId && this.containsConnection(nodeType, nodeField.node.selectionSet!)) {
        if (!analysis.withoutParentId.includes(name)) analysis.withoutParentId.push(name);
      }
      for (const child of selected) this.walkField(child, depth, false, analysis);
    }
  }

  private containsConnection(type: GraphQLNamedType, selectionSet: SelectionSetNode): boolean {
    return selectedFields(this.schema, this.fragments, type, selectionSet).some((child) => {
      if (!child.def || !child.node.selectionSet) return false;
      if (isConnectionType(child.def.type)) return true;
      const named = getNamedType(child.def.type);
      return (
        (isObjectType(named) || isAbstractType(named)) &&
        this.containsConnection(named, child.node.selectionSet)
      );
    });
  }
}
