/**
 * The vendored real Admin GraphQL schema (2025-04, see schema/SOURCE.md), built once per process: building the
 * 2.9 MB SDL takes about half a second.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildSchema, type GraphQLSchema } from "graphql";

export const SCHEMA_PATH = fileURLToPath(new URL("../schema/admin-2025-04.graphql", import.meta.url));
export const SCHEMA_VERSION = "2025-04";

let cached: GraphQLSchema | undefined;

/** The Admin API schema (cached). */
export function loadSchema(): GraphQLSchema {
  cached ??= buildSchema(readFileSync(SCHEMA_PATH, "utf8"), { assumeValidSDL: true });
  return cached;
}
