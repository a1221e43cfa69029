/**
 * Writes prisma/postgres/schema.prisma from prisma/schema.prisma (the single source of truth).
 * Only the datasource provider and the generated client's output differ. `--check` exits 1 when the file is stale.
 *
 *   npm run db:schema            regenerate
 *   npm run db:schema -- --check verify (used by tests)
 */
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { postgresSchemaFrom } from "../app/db/postgres-schema";

const source = readFileSync("prisma/schema.prisma", "utf8");
const target = "prisma/postgres/schema.prisma";
const wanted = postgresSchemaFrom(source);

if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(target, "utf8");
  } catch {
    /* missing counts as stale */
  }
  if (current !== wanted) {
    console.error(`${target} is out of date: run npm run db:schema and add a migration for PostgreSQL.`);
    process.exit(1);
  }
  console.log(`${target} is in step with prisma/schema.prisma`);
} else {
  mkdirSync("prisma/postgres", { recursive: true });
  writeFileSync(target, wanted);
  console.log(`wrote ${target}`);
}
