/**
 * The vendored real Admin GraphQL schemas (see schema/SOURCE.md), built once per process each: building the
 * 2.9 MB 2025-04 SDL takes about half a second, the 0.8 MB 2026-07 one less.
 *
 * A request names an API version in its URL; it is served by the nearest schema at or below that version
 * (2025-04 up to 2026-04, 2026-07 from 2026-07 on, so the app's pinned 2026-10 gets 2026-07; versions older than
 * 2025-04 get 2025-04, the oldest the emulator has). Behaviour that changed between versions (bulk grouping,
 * bulk concurrency) follows the requested version, not the schema: see `versions.ts`.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildSchema, type GraphQLSchema } from "graphql";

/** Schema versions the emulator has, oldest first. */
export const SCHEMA_VERSIONS = ["2025-04", "2026-07"] as const;
export type SchemaVersion = (typeof SCHEMA_VERSIONS)[number];

/** The oldest vendored schema: the default of `loadSchema()` and `validateDocument()`. */
export const SCHEMA_VERSION: SchemaVersion = "2025-04";
export const LATEST_SCHEMA_VERSION: SchemaVersion = "2026-07";

export function schemaPath(version: SchemaVersion): string {
  return fileURLToPath(new URL(`../schema/admin-${version}.graphql`, import.meta.url));
}

/** Kept for callers of the single-schema era: the path of the 2025-04 schema. */
export const SCHEMA_PATH = schemaPath(SCHEMA_VERSION);

/**
 * The schema version serving a requested API version: the nearest at or below it ("unstable" and anything newer
 * than the newest schema get the newest; anything older than the oldest gets the oldest).
 */
export function schemaVersionFor(apiVersion: string): SchemaVersion {
  if (apiVersion === "unstable") return LATEST_SCHEMA_VERSION;
  let chosen: SchemaVersion = SCHEMA_VERSIONS[0];
  for (const version of SCHEMA_VERSIONS) if (version <= apiVersion) chosen = version;
  return chosen;
}

const cache = new Map<SchemaVersion, GraphQLSchema>();

/** The Admin API schema of one vendored version (cached). */
export function loadSchema(version: SchemaVersion = SCHEMA_VERSION): GraphQLSchema {
  let schema = cache.get(version);
  if (!schema) {
    schema = buildSchema(readFileSync(schemaPath(version), "utf8"), { assumeValidSDL: true });
    cache.set(version, schema);
  }
  return schema;
}
