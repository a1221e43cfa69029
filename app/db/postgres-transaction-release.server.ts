/**
 * Workaround for a connection leak in Prisma 6.19's client engine with `@prisma/adapter-pg`.
 *
 * Prisma ends an interactive transaction by sending `ROLLBACK` (or `COMMIT`) through the transaction and only then
 * calling the transaction's `rollback()` / `commit()`, which is where the adapter returns the connection to the
 * pool. When that `ROLLBACK`/`COMMIT` throws — the connection died mid-transaction: the server restarted, an
 * operator or failover terminated the backend, the network dropped — the second step never runs and the pool
 * client stays checked out for good. Measured here (app/db/postgres-transaction-release.server.test.ts): ten such
 * transactions exhaust a pool of ten, and every later query of the process waits forever.
 *
 * The fix wraps each transaction the adapter opens: if its closing statement fails, the connection is released
 * right there (node-postgres' pool destroys a client that is no longer queryable instead of reusing it), once; a
 * later `rollback()`/`commit()` of the same transaction is then a no-op. Nothing changes when the close succeeds.
 */
import type { PrismaPg } from "@prisma/adapter-pg";

type Factory = PrismaPg;
type SqlDriverAdapter = Awaited<ReturnType<Factory["connect"]>>;
type Transaction = Awaited<ReturnType<SqlDriverAdapter["startTransaction"]>>;

const CLOSING = /^\s*(COMMIT|ROLLBACK)\s*;?\s*$/i;

function releasingOnFailedClose(tx: Transaction): Transaction {
  let released = false;
  const releaseOnce = async (how: "commit" | "rollback") => {
    if (released) return;
    released = true;
    await (how === "commit" ? tx.commit() : tx.rollback());
  };
  return new Proxy(tx, {
    get(target, prop, receiver) {
      if (prop === "executeRaw") {
        return async (query: Parameters<Transaction["executeRaw"]>[0]) => {
          try {
            return await target.executeRaw(query);
          } catch (error) {
            // The transaction is over either way; without this its connection is never given back.
            if (CLOSING.test(query.sql)) await releaseOnce("rollback").catch(() => undefined);
            throw error;
          }
        };
      }
      if (prop === "commit") return () => releaseOnce("commit");
      if (prop === "rollback") return () => releaseOnce("rollback");
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function wrapAdapter(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) =>
    releasingOnFailedClose(await startTransaction(isolationLevel));
  return adapter;
}

/** Patches `factory` in place (it stays the object Prisma and the pool registry know) and returns it. */
export function releaseConnectionsOfFailedTransactions(factory: Factory): Factory {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => wrapAdapter(await connect());
  return factory;
}
