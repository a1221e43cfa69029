/**
 * Work left behind by a dead process on this machine, released at start-up instead of waiting for it to time out.
 *
 * A worker killed with `kill -9` (or an OOM kill, or a power cut of its container) leaves its claimed jobs
 * `running` under a 60 s lease, its concurrency locks under a 30 s lease and its sync runs `running` with a
 * heartbeat that takes 30 s to go stale. Nothing is wrong with waiting, but a merchant whose worker was restarted
 * sees "Syncing" stand still for a minute. Worker ids name their process (`<host>:<pid>[:web]`, lock holders
 * `<worker id>:<job id>`), so a process starting on the same host can tell which holders are gone: a pid that no
 * longer exists cannot renew anything. Their leases are expired and their runs' heartbeats set to the epoch; the
 * usual recovery (claim of expired jobs, `findInterruptedRuns`) then takes over at once, with the same checks as
 * after a timeout. Holders on other hosts, or whose pid is alive (including a reused pid), are left to their
 * leases: the only cost of a wrong "alive" is the old wait. Worker ids set by hand (WORKER_ID) that do not follow
 * the pattern are never touched.
 */
import { hostname } from "node:os";
import type { AppDb } from "../db/client.server";

/** The heartbeat a released run gets (as a graceful shutdown leaves it): stale for every reader. */
const EPOCH = new Date(0);

export interface ReleasedOrphans {
  /** Pids found dead, in ascending order. */
  deadPids: number[];
  /** Job rows (jobs and concurrency locks) whose lease was expired. */
  jobs: number;
  /** Sync runs made stale for resumption. */
  runs: number;
}

export interface ReleaseOrphansOptions {
  host?: string;
  /** This process: never considered dead. */
  selfPid?: number;
  isAlive?: (pid: number) => boolean;
  now?: Date;
}

/** True unless the kernel says no such process exists (EPERM: it exists, owned by someone else). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/** The pid a worker id or lock holder names, when it was written on `host`; null otherwise. */
export function localPidOf(holder: string, host: string): number | null {
  if (!holder.startsWith(`${host}:`)) return null;
  const match = /^(\d+)(?::|$)/.exec(holder.slice(host.length + 1));
  if (!match) return null;
  const pid = Number(match[1]);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}

export async function releaseDeadLocalHolders(
  db: AppDb,
  options: ReleaseOrphansOptions = {},
): Promise<ReleasedOrphans> {
  const host = options.host ?? hostname();
  const selfPid = options.selfPid ?? process.pid;
  const isAlive = options.isAlive ?? processExists;
  const now = options.now ?? new Date();
  const prefix = `${host}:`;

  const [jobHolders, runWorkers] = await Promise.all([
    db.job.findMany({
      where: { status: "running", lockedBy: { startsWith: prefix }, lockedUntil: { gte: now } },
      select: { lockedBy: true },
      distinct: ["lockedBy"],
    }),
    db.syncRun.findMany({
      where: { status: "running", workerId: { startsWith: prefix }, NOT: { heartbeatAt: EPOCH } },
      select: { workerId: true },
      distinct: ["workerId"],
    }),
  ]);

  const verdicts = new Map<number, boolean>();
  const dead = (holder: string | null): boolean => {
    const pid = holder === null ? null : localPidOf(holder, host);
    if (pid === null || pid === selfPid) return false;
    if (!verdicts.has(pid)) verdicts.set(pid, !isAlive(pid));
    return verdicts.get(pid) === true;
  };
  const deadHolders = jobHolders.map((j) => j.lockedBy).filter((h): h is string => dead(h));
  const deadWorkers = runWorkers.map((r) => r.workerId).filter((w): w is string => dead(w));

  let jobs = 0;
  let runs = 0;
  if (deadHolders.length > 0) {
    // One millisecond in the past: the claim (`lockedUntil < now`) and lock checks (`lockedUntil >= now`) both
    // read these as expired from now on.
    const expired = new Date(now.getTime() - 1);
    jobs = (
      await db.job.updateMany({
        where: { status: "running", lockedBy: { in: deadHolders }, lockedUntil: { gte: now } },
        data: { lockedUntil: expired },
      })
    ).count;
  }
  if (deadWorkers.length > 0) {
    runs = (
      await db.syncRun.updateMany({
        where: { status: "running", workerId: { in: deadWorkers } },
        data: { heartbeatAt: EPOCH },
      })
    ).count;
  }
  const deadPids = [...verdicts].filter(([, isDead]) => isDead).map(([pid]) => pid);
  return { deadPids: deadPids.sort((a, b) => a - b), jobs, runs };
}
