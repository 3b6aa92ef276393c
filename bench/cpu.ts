import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time of the processes a benchmark runs on, from Linux's /proc: where a same-run comparison's
 * time goes when both sides saturate the machine's cores (wall time alone cannot say which process
 * paid for a difference). Off Linux, or for a server on another machine, the figures are NaN.
 */

const USER_HZ = 100;

/** The PostgreSQL server's process: the parent of the backend serving `query`, or null. */
export async function postmasterPid(
  query: (sql: string) => Promise<{ pid: number }[]>,
): Promise<number | null> {
  const [{ pid }] = await query('SELECT pg_backend_pid() AS pid');
  try {
    return Number(statFields(pid)[1]);
  } catch {
    return null; // not Linux, or a server on another machine (DATABASE_URL)
  }
}

/** user + system CPU seconds of one process (all its threads), NaN if it is gone or unreadable. */
export function processCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const f = statFields(pid);
    return (Number(f[11]) + Number(f[12])) / USER_HZ;
  } catch {
    return NaN;
  }
}

/**
 * CPU seconds so far of the PostgreSQL server (the postmaster and every live child: backends,
 * walwriter, autovacuum) and of every process whose command line contains `alsoMatching` (e.g.
 * `kafka.Kafka` for a local broker). Backends that ended meanwhile are not counted: measure around
 * work done on long-lived connections.
 */
export function serverCpuSeconds(
  postmaster: number | null,
  alsoMatching?: string,
): { postgres: number; matching: number } {
  if (postmaster === null) return { postgres: NaN, matching: NaN };
  let postgres = 0;
  let matching = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const f = statFields(Number(entry));
      const seconds = (Number(f[11]) + Number(f[12])) / USER_HZ;
      if (Number(entry) === postmaster || Number(f[1]) === postmaster) postgres += seconds;
      else if (alsoMatching && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(alsoMatching))
        matching += seconds;
    } catch {
      // the process ended meanwhile
    }
  }
  return { postgres, matching };
}

/** This process's own CPU seconds (every thread: V8's helpers, libuv's pool). */
export function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** /proc/<pid>/stat after the command name: [0] state, [1] ppid, … [11] utime, [12] stime. */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
}
