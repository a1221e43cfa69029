/** Output folder of the PostgreSQL Prisma client, relative to the project root. */
export const POSTGRES_CLIENT_DIR = "node_modules/.prisma-postgres/client";

/**
 * Derives the PostgreSQL schema from the SQLite one: same models, another provider, its own client output.
 * Pure, so a test can assert that the committed file is in step.
 */
export function postgresSchemaFrom(sqliteSchema: string): string {
  if (!sqliteSchema.includes('provider = "sqlite"')) {
    throw new Error('prisma/schema.prisma must declare provider = "sqlite"');
  }
  const header =
    "// GENERATED from prisma/schema.prisma by `npm run db:schema`. Do not edit: change the source and regenerate.\n";
  return (
    header +
    sqliteSchema
      .replace('provider = "sqlite"', 'provider = "postgresql"')
      .replace(
        'engineType = "client"',
        `engineType = "client"\n  output     = "../../${POSTGRES_CLIENT_DIR}"`,
      )
  );
}
