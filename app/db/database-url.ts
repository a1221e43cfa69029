/**
 * Which database a DATABASE_URL names. Shared by the app, the worker, the CLIs and prisma.config.ts so every
 * process picks the same driver adapter and schema.
 */
export type DatabaseKind = "sqlite" | "postgres";

export function databaseKind(url: string): DatabaseKind {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgres";
  throw new Error(
    `DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL); got "${url.split(":")[0]}:…"`,
  );
}

/** The embedded default used by `npm run demo` and the tests when nothing else is configured. */
export const DEFAULT_SQLITE_URL = "file:./data/dev.sqlite";

/** Filesystem path of a `file:` URL (relative paths resolve against the working directory). */
export function sqlitePath(url: string): string {
  return url.replace(/^file:/, "").replace(/\?.*$/, "");
}

/** Schema file and migrations folder for a database kind. */
export function prismaPaths(kind: DatabaseKind): { schema: string; migrations: string } {
  return kind === "postgres"
    ? { schema: "prisma/postgres/schema.prisma", migrations: "prisma/postgres/migrations" }
    : { schema: "prisma/schema.prisma", migrations: "prisma/migrations" };
}
