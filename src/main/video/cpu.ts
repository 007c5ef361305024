/**
 * CPU time of this process and of the processes it started (the browser and its renderer, GPU and
 * audio processes), for the render cost figures. Children are read from /proc, so on other systems
 * only this process is counted and `childrenMs` is null.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface CpuSample {
  /** This process (the engine and the command), user + system, ms. */
  selfMs: number;
  /** Every descendant of this process, user + system, ms; null where /proc is missing. */
  childrenMs: number | null;
}

const TICKS_PER_S = 100;

function procTable(): Map<number, { ppid: number; cpuMs: number }> | null {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return null;
  }
  const table = new Map<number, { ppid: number; cpuMs: number }>();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command name may hold spaces: fields are counted after its closing parenthesis.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      const ticks = Number(fields[11]) + Number(fields[12]);
      table.set(Number(pid), { ppid, cpuMs: (ticks * 1000) / TICKS_PER_S });
    } catch {
      // Gone between the listing and the read.
    }
  }
  return table;
}

export function sampleCpu(): CpuSample {
  const usage = process.cpuUsage();
  const selfMs = (usage.user + usage.system) / 1000;
  const table = procTable();
  if (!table) return { selfMs, childrenMs: null };
  let childrenMs = 0;
  const seen = new Set<number>([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, p] of table) {
      if (!seen.has(pid) && seen.has(p.ppid)) {
        seen.add(pid);
        childrenMs += p.cpuMs;
        grew = true;
      }
    }
  }
  return { selfMs, childrenMs };
}
