/**
 * Shopify-shaped GraphQL errors. Shopify runs graphql-ruby, whose messages and `extensions.code` values differ from
 * graphql-js; clients (and our own error handling) match on them, so the emulator rewrites graphql-js errors.
 */
import { GraphQLError, Kind, visit, type ASTNode, type DocumentNode } from "graphql";

export interface ShopifyErrorJson {
  message: string;
  locations?: Array<{ line: number; column: number }>;
  path?: Array<string | number>;
  extensions?: Record<string, unknown>;
}

export const ACCESS_SCOPES_DOC = "https://shopify.dev/api/usage/access-scopes";
export const RATE_LIMITS_DOC = "https://shopify.dev/api/usage/rate-limits";

/** The error a resolver throws when the token lacks a scope (Shopify: ACCESS_DENIED, field resolves to null). */
export function accessDenied(fieldName: string, scope: string): GraphQLError {
  return new GraphQLError(
    `Access denied for ${fieldName} field. Required access: \`${scope}\` access scope.`,
    {
      extensions: {
        code: "ACCESS_DENIED",
        documentation: ACCESS_SCOPES_DOC,
        requiredAccess: `\`${scope}\` access scope.`,
      },
    },
  );
}

/**
 * graphql-ruby's static error path: the operation ("query" or "query Name"), then field names (and "... on Type",
 * "fragment Name", argument names) down to the offending node.
 */
export function astPath(document: DocumentNode, target: ASTNode): string[] | undefined {
  const stack: string[] = [];
  let found: string[] | undefined;
  visit(document, {
    enter(node) {
      if (found) return false;
      let label: string | null = null;
      if (node.kind === Kind.OPERATION_DEFINITION)
        label = node.name ? `${node.operation} ${node.name.value}` : node.operation;
      else if (node.kind === Kind.FRAGMENT_DEFINITION) label = `fragment ${node.name.value}`;
      else if (node.kind === Kind.INLINE_FRAGMENT)
        label = node.typeCondition ? `... on ${node.typeCondition.name.value}` : "...";
      else if (node.kind === Kind.FIELD || node.kind === Kind.ARGUMENT) label = node.name.value;
      if (label !== null) stack.push(label);
      if (node === target) found = [...stack];
      return undefined;
    },
    leave(node) {
      if (
        node.kind === Kind.OPERATION_DEFINITION ||
        node.kind === Kind.FRAGMENT_DEFINITION ||
        node.kind === Kind.INLINE_FRAGMENT ||
        node.kind === Kind.FIELD ||
        node.kind === Kind.ARGUMENT
      ) {
        stack.pop();
      }
    },
  });
  return found;
}

/** Converts a graphql-js validation/parse error into graphql-ruby's wording, path and extensions. */
export function toShopifyValidationError(error: GraphQLError, document?: DocumentNode): ShopifyErrorJson {
  const target = error.nodes?.[0];
  const base = {
    locations: error.locations ? [...error.locations] : undefined,
    path: document && target ? astPath(document, target) : undefined,
  };
  const msg = error.message;
  let m: RegExpExecArray | null;
  if ((m = /^Cannot query field "([^"]+)" on type "([^"]+)"\./.exec(msg))) {
    return {
      message: `Field '${m[1]}' doesn't exist on type '${m[2]}'`,
      ...base,
      extensions: { code: "undefinedField", typeName: m[2], fieldName: m[1] },
    };
  }
  if ((m = /^Unknown argument "([^"]+)" on field "([^".]+)\.([^"]+)"\./.exec(msg))) {
    return {
      message: `Field '${m[3]}' doesn't accept argument '${m[1]}'`,
      ...base,
      extensions: { code: "argumentNotAccepted", name: m[3], typeName: "Field", argumentName: m[1] },
    };
  }
  if (
    (m = /^Field "([^"]+)" argument "([^"]+)" of type "([^"]+)" is required, but it was not provided\./.exec(
      msg,
    ))
  ) {
    const name = m[1].split(".").pop() ?? m[1];
    return {
      message: `Field '${name}' is missing required arguments: ${m[2]}`,
      ...base,
      extensions: { code: "missingRequiredArguments", className: "Field", name, arguments: m[2] },
    };
  }
  if ((m = /^Field "([^"]+)" of type "([^"]+)" must have a selection of subfields\./.exec(msg))) {
    const typeName = m[2].replace(/[[\]!]/g, "");
    return {
      message: `Field must have selections (field '${m[1]}' returns ${typeName} but has no selections. Did you mean '${m[1]} { ... }'?)`,
      ...base,
      extensions: { code: "selectionMismatch", nodeName: `field '${m[1]}'`, typeName },
    };
  }
  if ((m = /^Field "([^"]+)" must not have a selection since type "([^"]+)" has no subfields\./.exec(msg))) {
    return {
      message: `Selections can't be made on scalars (field '${m[1]}' returns ${m[2].replace(/[[\]!]/g, "")} but has selections)`,
      ...base,
      extensions: {
        code: "selectionMismatch",
        nodeName: `field '${m[1]}'`,
        typeName: m[2].replace(/[[\]!]/g, ""),
      },
    };
  }
  if ((m = /^Variable "\$([^"]+)" is never used/.exec(msg))) {
    return {
      message: `Variable $${m[1]} is declared by anonymous query but not used`,
      ...base,
      extensions: { code: "variableNotUsed", variableName: m[1] },
    };
  }
  if ((m = /^Syntax Error: (.*)$/.exec(msg))) {
    const loc = error.locations?.[0];
    return {
      message: `Parse error on ${m[1]}${loc ? ` at [${loc.line}, ${loc.column}]` : ""}`,
      ...base,
      extensions: { code: "parseError" },
    };
  }
  if (
    (m =
      /^(?:Int|String|Boolean|Float|ID|Enum "[^"]+"|Value "[^"]+") .*cannot represent|^Expected value of type "([^"]+)", found (.+?);|^Argument "([^"]+)" has invalid value/.exec(
        msg,
      ))
  ) {
    return { message: msg, ...base, extensions: { code: "argumentLiteralsIncompatible" } };
  }
  return { message: msg, ...base, extensions: { code: "validationError" } };
}

/** The strict-mode error for a deprecated field (the emulator's own addition; real Shopify only warns in docs). */
export function deprecatedFieldError(error: GraphQLError, document?: DocumentNode): ShopifyErrorJson | null {
  const m = /^The field ([^.]+)\.(\S+) is deprecated\. ?(.*)$/s.exec(error.message);
  const e = /^The enum value "([^.]+)\.([^"]+)" is deprecated\. ?(.*)$/s.exec(error.message);
  const a = /^Field "([^.]+)\.([^"]+)" argument "([^"]+)" is deprecated\. ?(.*)$/s.exec(error.message);
  const i = /^The input field ([^.]+)\.(\S+) is deprecated\. ?(.*)$/s.exec(error.message);
  if (!m && !e && !a && !i) return null;
  const [kind, typeName, fieldName, reason] = m
    ? ["Field", m[1], m[2], m[3]]
    : e
      ? ["Enum value", e[1], e[2], e[3]]
      : i
        ? ["Input field", i[1], i[2], i[3]]
        : ["Argument", a![1], `${a![2]}(${a![3]})`, a![4]];
  return {
    message: `${kind} '${fieldName}' on type '${typeName}' is deprecated${reason ? `: ${reason}` : ""}`,
    locations: error.locations ? [...error.locations] : undefined,
    path: document && error.nodes?.[0] ? astPath(document, error.nodes[0]) : undefined,
    extensions: { code: "deprecatedField", typeName, fieldName, reason },
  };
}

/** Serializes an execution error (resolver failure, access denied) with Shopify's keys. */
export function executionErrorJson(error: GraphQLError): ShopifyErrorJson {
  const json: ShopifyErrorJson = { message: error.message };
  if (error.locations) json.locations = [...error.locations];
  if (error.path) json.path = [...error.path];
  if (error.extensions && Object.keys(error.extensions).length > 0) json.extensions = { ...error.extensions };
  return json;
}
