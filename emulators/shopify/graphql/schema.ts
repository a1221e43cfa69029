/**
 * The vendored real Admin GraphQL schemas (see schema/SOURCE.md), built once per process each: building the
 * 2.9 MB 2025-04 SDL takes about half a second, the 0.8 MB 2026-07 one less.
 *
 * A request names an API version in its URL; it is served by the nearest schema at or below that version. There are
 * two real schemas, 2025-04 and 2026-07, and one view: **2025-10** is the 2026-07 facts without what is known to have
 * come later (`SINCE_2026_01`, from PLATFORM_FACTS: `bulkOperation(id:)` and `bulkOperations` exist from 2026-01).
 * So 2025-04 and 2025-07 get 2025-04; 2025-10 gets the view; 2026-01, 2026-04, 2026-07, anything newer (the app's
 * 2026-10) and `unstable` get 2026-07; versions older than 2025-04 get 2025-04, the oldest the emulator has. What
 * 2026-07 has that came between 2025-10 and 2026-07 without being recorded is served to those versions too (no
 * real 2025-10 to 2026-04 schema is available). Behaviour that changed between versions (bulk grouping, bulk
 * concurrency) follows the requested version, not the schema: see `versions.ts`.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildSchema, type GraphQLSchema } from "graphql";

/** Schema versions the emulator serves, oldest first (2025-10 is a view of the 2026-07 facts). */
export const SCHEMA_VERSIONS = ["2025-04", "2025-10", "2026-07"] as const;
export type SchemaVersion = (typeof SCHEMA_VERSIONS)[number];

/** The oldest vendored schema: the default of `loadSchema()` and `validateDocument()`. */
export const SCHEMA_VERSION: SchemaVersion = "2025-04";
export const LATEST_SCHEMA_VERSION: SchemaVersion = "2026-07";

/** Fields of the 2026-07 schema that Shopify added in 2026-01 (absent from the 2025-10 view): type → fields. */
export const SINCE_2026_01: Readonly<Record<string, readonly string[]>> = {
  QueryRoot: ["bulkOperation", "bulkOperations"],
};

/** The vendored SDL file a schema version is built from. */
export function schemaPath(version: SchemaVersion): string {
  const file = version === "2025-10" ? "2026-07" : version;
  return fileURLToPath(new URL(`../schema/admin-${file}.graphql`, import.meta.url));
}

/** Kept for callers of the single-schema era: the path of the 2025-04 schema. */
export const SCHEMA_PATH = schemaPath(SCHEMA_VERSION);

/**
 * The schema version serving a requested API version: the nearest at or below it ("unstable" and anything newer
 * than the newest schema get the newest; anything older than the oldest gets the oldest).
 */
export function schemaVersionFor(apiVersion: string): SchemaVersion {
  if (apiVersion === "unstable") return LATEST_SCHEMA_VERSION;
  if (apiVersion >= "2026-01") return LATEST_SCHEMA_VERSION;
  let chosen: SchemaVersion = SCHEMA_VERSIONS[0];
  for (const version of SCHEMA_VERSIONS) if (version <= apiVersion) chosen = version;
  return chosen;
}

/**
 * The SDL without the `fields` of each named type (the 2026-07 SDL has one field per line, so a field's line goes).
 * Throws when a field is not there: a renamed field must not silently stay in a version that lacks it.
 */
export function withoutFields(sdl: string, fields: Readonly<Record<string, readonly string[]>>): string {
  const lines = sdl.split("\n");
  for (const [type, names] of Object.entries(fields)) {
    const start = lines.findIndex((l) => l.startsWith(`type ${type} `) || l === `type ${type} {`);
    if (start === -1) throw new Error(`The schema has no type ${type}`);
    for (const name of names) {
      let at = -1;
      for (let i = start + 1; i < lines.length && lines[i] !== "}"; i++) {
        if (lines[i].startsWith(`  ${name}(`) || lines[i].startsWith(`  ${name}:`)) at = i;
      }
      if (at === -1) throw new Error(`The schema has no field ${type}.${name}`);
      lines.splice(at, 1);
    }
  }
  return lines.join("\n");
}

const cache = new Map<SchemaVersion, GraphQLSchema>();

/** The Admin API schema of one served version (cached). */
export function loadSchema(version: SchemaVersion = SCHEMA_VERSION): GraphQLSchema {
  let schema = cache.get(version);
  if (!schema) {
    const sdl = readFileSync(schemaPath(version), "utf8");
    schema = buildSchema(version === "2025-10" ? withoutFields(sdl, SINCE_2026_01) : sdl, {
      assumeValidSDL: true,
    });
    cache.set(version, schema);
  }
  return schema;
}
