/**
 * Child process for the connect limits' several-processes test: one app process with its own database connections
 * and its own limits. Prints "ready" once connected, waits for "go" on stdin, then makes `attempts` connect attempts
 * from one address at once and prints `{"allowed":n,"refused":n}`.
 * Usage: tsx app/lib/testing/connect-limit-child.ts <attempts> (DATABASE_URL, ENCRYPTION_KEY, CONNECT_LIMIT_PER_IP)
 */
import { keyringFrom } from "../../crypto/encryption.server";
import { createPrismaClient } from "../../db/client.server";
import { createRateLimitCounters } from "../../db/rate-limit-counters.server";
import { ConnectLimitedError, createConnectLimits } from "../connect-limits.server";

const attempts = Number(process.argv[2]);
const db = createPrismaClient(process.env.DATABASE_URL ?? "", { poolSize: 5 });
const limits = createConnectLimits(
  {
    perIp: { attempts: Number(process.env.CONNECT_LIMIT_PER_IP), windowSeconds: 600 },
    perOrganization: { attempts: 1_000, windowSeconds: 3600 },
  },
  { counters: createRateLimitCounters(db), keyring: keyringFrom(process.env.ENCRYPTION_KEY ?? "") },
);
await db.$queryRawUnsafe(`SELECT 1`);
process.stdout.write("ready\n");
await new Promise<void>((resolve) => process.stdin.once("data", () => resolve()));
const outcomes = await Promise.all(
  Array.from({ length: attempts }, () =>
    limits.take({ clientIp: "203.0.113.5" }).then(
      () => "allowed" as const,
      (error: unknown) => {
        if (error instanceof ConnectLimitedError) return "refused" as const;
        throw error;
      },
    ),
  ),
);
const allowed = outcomes.filter((o) => o === "allowed").length;
process.stdout.write(`${JSON.stringify({ allowed, refused: attempts - allowed })}\n`);
await db.$disconnect();
