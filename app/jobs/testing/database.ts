/**
 * `createTestDatabase` with a few retries: on a shared machine another `vitest run` may be re-creating the PostgreSQL
 * template at the moment we clone it ("source database … is being accessed by other users").
 */
import { createTestDatabase, type TestDatabase } from "../../../tests/setup/db";
import type { DatabaseKind } from "../../db/database-url";

export async function createJobsTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await createTestDatabase(kind);
    } catch (error) {
      if (attempt >= 10 || !/being accessed by other users|does not exist/.test((error as Error).message))
        throw error;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}
