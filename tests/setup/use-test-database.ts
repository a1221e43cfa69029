/**
 * A test database for the enclosing `describe`: created in its `beforeAll` (by `create`, `createTestDatabase` unless
 * told), dropped in its `afterAll`. The returned object reads the live database, so tests use it like the one
 * `createTestDatabase` returns.
 */
import { afterAll, beforeAll } from "vitest";
import type { DatabaseKind } from "../../app/db/database-url";
import { createTestDatabase, type TestDatabase } from "./db";

export function useTestDatabase(
  kind: DatabaseKind,
  create: (kind: DatabaseKind) => Promise<TestDatabase> = createTestDatabase,
): TestDatabase {
  let started: TestDatabase | undefined;
  beforeAll(async () => {
    started = await create(kind);
  });
  afterAll(async () => {
    await started?.cleanup();
  });
  const live = (): TestDatabase => {
    if (!started) throw new Error(`The ${kind} test database is used before its beforeAll created it.`);
    return started;
  };
  return {
    kind,
    get url() {
      return live().url;
    },
    get db() {
      return live().db;
    },
    cleanup: () => live().cleanup(),
  };
}
