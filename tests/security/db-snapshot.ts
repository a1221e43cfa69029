/**
 * Helpers of the security suites: every row of every table (to prove a request changed nothing), a raw dump of the
 * database as text (to prove no credential is readable in it), and a scan of text for known secret values and for
 * token shapes (JWTs, Shopify access tokens, WooCommerce keys).
 */
import type { AppDb } from "../../app/sync/platform";

type Rows = Record<string, unknown>[];

function jsonSafe(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    typeof v === "bigint" ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString("base64") : v,
  );
}

/** The application tables (Prisma's migration table excluded). */
export async function tableNames(db: AppDb): Promise<string[]> {
  if (db.$kind === "sqlite") {
    const rows = await db.$queryRawUnsafe<{ name: string }[]>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations' ORDER BY name",
    );
    return rows.map((r) => r.name);
  }
  const rows = await db.$queryRawUnsafe<{ name: string }[]>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations' ORDER BY table_name",
  );
  return rows.map((r) => r.name);
}

/** Every row of every table, serialized per table in a stable order. */
export async function snapshotDatabase(db: AppDb): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of await tableNames(db)) {
    const rows = await db.$queryRawUnsafe<Rows>(`SELECT * FROM "${table}"`);
    out[table] = rows.map(jsonSafe).sort().join("\n");
  }
  return out;
}

/** Shapes of credentials that must never appear in a log or a dump, whatever their value. */
export const TOKEN_SHAPES: Record<string, RegExp> = {
  "JWT (session token)": /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/,
  "Shopify access token": /\bshp(?:at|ua|ca|pa|ss)_[A-Za-z0-9]{16,}/,
  "WooCommerce consumer key/secret": /\b(?:ck|cs)_[A-Za-z0-9]{20,}/,
  "Commerce Sync API token": /\bcst_[A-Za-z0-9_-]{30,}/,
};

/** The names of the secrets (and token shapes) found in `texts`, with where: [] when clean. */
export function findSecrets(
  texts: Iterable<string>,
  secrets: Record<string, string>,
  options: { shapes?: boolean } = {},
): string[] {
  const found: string[] = [];
  const live = Object.entries(secrets).filter(([, v]) => v && v.length >= 8);
  let i = 0;
  for (const text of texts) {
    for (const [name, value] of live)
      if (text.includes(value)) found.push(`${name} in line ${i}: ${text.slice(0, 160)}`);
    if (options.shapes !== false)
      for (const [name, shape] of Object.entries(TOKEN_SHAPES))
        if (shape.test(text)) found.push(`${name} shape in line ${i}: ${text.slice(0, 160)}`);
    i++;
  }
  return found;
}
