/**
 * Which node-postgres connection of the app's pool serves a given server backend, and whether it is checked out.
 *
 * Why: the sync writer's PostgreSQL fast path (app/sync/postgres-connection.server.ts) runs `COPY … FROM STDIN`
 * and its upserts directly on the connection that holds the page's Prisma transaction. Prisma does not expose that
 * connection; the server tells its backend pid (`pg_backend_pid()`, asked through the transaction) and this
 * registry maps the pid back to the pool's client. Only pool events and `Client.processID` are used (public
 * node-postgres API), no Prisma internals.
 *
 * Leases: a client's lease number goes up by one when the pool hands it out (odd = checked out) and again when it
 * comes back (even = idle). A caller remembers the lease it found and checks it before every direct statement, so
 * a connection whose transaction ended (and that may now serve someone else) is never written to.
 */
import type pg from "pg";

type Client = pg.PoolClient;

const pools = new WeakMap<object, Map<number, Client>>();
const leases = new WeakMap<Client, number>();

/** Starts tracking `pool`'s connections under `owner` (the Prisma adapter factory built on that pool). */
export function trackPostgresPool(owner: object, pool: pg.Pool): void {
  const byPid = new Map<number, Client>();
  pools.set(owner, byPid);
  const bump = (client: Client) => leases.set(client, (leases.get(client) ?? 0) + 1);
  pool.on("connect", (client) => {
    // processID comes with the server's BackendKeyData, before the connection is handed out.
    const pid = (client as unknown as { processID?: number | null }).processID;
    if (typeof pid === "number") byPid.set(pid, client);
  });
  pool.on("acquire", bump);
  pool.on("release", (_error: Error | undefined, client: Client) => bump(client));
  pool.on("remove", (client) => {
    const pid = (client as unknown as { processID?: number | null }).processID;
    if (typeof pid === "number" && byPid.get(pid) === client) byPid.delete(pid);
    // An even number that no check-out can match again.
    leases.set(client, -2);
  });
}

export interface PostgresLease {
  client: Client;
  lease: number;
}

/** The checked-out client of `owner`'s pool connected to server backend `pid`, with its current lease; or null. */
export function leasedClient(owner: object, pid: number): PostgresLease | null {
  const client = pools.get(owner)?.get(pid);
  if (!client) return null;
  const lease = leases.get(client) ?? 0;
  return lease % 2 === 1 ? { client, lease } : null;
}

/** True while the client found by `leasedClient` is still checked out under the same lease. */
export function stillLeased(found: PostgresLease): boolean {
  return leases.get(found.client) === found.lease;
}
