/**
 * The CPU time a benchmark's run takes, all its processes included (this one, the spawn relay, the
 * encoders, Chromium and its renderers; from /proc on Linux): frames per CPU-second do not depend
 * on what else the machine is running, as frames per second do. Used by bench:render and
 * bench:captions.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks a second of /proc's CPU times (USER_HZ: 100 on Linux). */
const TICKS = 100;

/** CPU seconds used so far by this process and its descendants: their own times and those of their ended children (Linux /proc; null elsewhere). */
export function treeCpuSeconds(): number | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return null;
  }
  // pid -> [parent, utime + stime + cutime + cstime]
  const procs = new Map<number, [number, number]>();
  for (const e of entries) {
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces), from field 3 (state) on.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.set(Number(e), [Number(f[1]), Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])]);
    } catch {
      // Ended meanwhile.
    }
  }
  let ticks = 0;
  const stack = [process.pid];
  while (stack.length) {
    const pid = stack.pop()!;
    ticks += procs.get(pid)?.[1] ?? 0;
    for (const [child, [parent]] of procs) if (parent === pid) stack.push(child);
  }
  return ticks / TICKS;
}
