/**
 * Child process for the kill -9 test: runs a slow full sync of a deterministic memory source against DATABASE_URL
 * and prints "progress <done>" after every committed page, until the parent kills it.
 * Usage: tsx app/sync/testing/kill-child.ts <integrationId>
 */
import { createPrismaClient } from "../../db/client.server";
import { runSync } from "../engine.server";
import { killTestSource } from "./kill-source";

const integrationId = process.argv[2];
const db = createPrismaClient(process.env.DATABASE_URL ?? "");
await runSync(db, {
  integrationId,
  kind: "full",
  workerId: "doomed-worker",
  source: killTestSource({ pageDelayMs: 40 }),
  onProgress: (snapshot) => process.stdout.write(`progress ${snapshot.done}\n`),
});
process.stdout.write("finished\n");
await db.$disconnect();
