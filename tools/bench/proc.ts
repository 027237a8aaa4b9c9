/** What the benchmark tools read of a server process from /proc (Linux): CPU seconds, RSS, its descendants. */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/PID/stat's utime and stime (USER_HZ, 100 on Linux). */
const TICKS = 100;

/** CPU seconds (user + system, all threads) the process has used so far; undefined when it is gone. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of stat (12 and 13 after the command name).
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return undefined;
  }
}

/** Resident memory in MiB (one decimal); undefined when the process is gone. */
export function rssMiB(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return Math.round((kb / 1024) * 10) / 10;
  } catch {
    return undefined;
  }
}

/** `pid` and all its live descendants (e.g. cluster workers), from /proc/PID/task/TID/children. */
export function processTree(pid: number): number[] {
  const seen = new Set<number>();
  const visit = (p: number) => {
    if (seen.has(p)) return;
    seen.add(p);
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      return;
    }
    for (const tid of tasks) {
      try {
        for (const child of readFileSync(`/proc/${p}/task/${tid}/children`, 'utf8').trim().split(/\s+/)) if (child) visit(Number(child));
      } catch {
        // the thread ended meanwhile
      }
    }
  };
  visit(pid);
  return [...seen];
}

/** CPU seconds of every process in the tree keyed by pid (a descendant that exits meanwhile drops out). */
export function treeCpu(pid: number): Map<number, number> {
  const cpu = new Map<number, number>();
  for (const p of processTree(pid)) {
    const s = cpuSeconds(p);
    if (s !== undefined) cpu.set(p, s);
  }
  return cpu;
}

/**
 * CPU seconds the tree used between two `treeCpu` readings: for processes
 * present in both, the difference; for one born in between, all it used.
 */
export function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [p, s] of after) total += s - (before.get(p) ?? 0);
  return total;
}

/** Summed RSS (MiB) of the tree. */
export function treeRssMiB(pid: number): number | undefined {
  const values = processTree(pid)
    .map((p) => rssMiB(p))
    .filter((v): v is number => v !== undefined);
  return values.length === 0 ? undefined : Math.round(values.reduce((a, b) => a + b, 0) * 10) / 10;
}
