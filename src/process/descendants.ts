/**
 * Every process this one started, directly or not: Chromium and its helpers, Remotion's ffmpeg and
 * compositor, the encoders of frames drawn in Node. An interrupted render kills them all, so none
 * keeps writing (or running) after the command has exited. Synchronous on purpose: it runs in a
 * signal handler that must finish before the process exits.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** [pid, parent pid, state] of every process the system shows us. */
function processTable(): { pid: number; ppid: number; zombie: boolean }[] {
  if (process.platform === 'linux') {
    const rows: { pid: number; ppid: number; zombie: boolean }[] = [];
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      } catch {
        continue; // exited while we looked
      }
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so parse after the last ')'.
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      rows.push({ pid: Number(name), ppid: Number(ppid), zombie: state === 'Z' || state === 'X' });
    }
    return rows;
  }
  if (process.platform === 'win32') return [];
  const out = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,stat='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 3)
    .map(([pid, ppid, stat]) => ({ pid: Number(pid), ppid: Number(ppid), zombie: stat!.startsWith('Z') }));
}

/** The pids of every living descendant of `root`. */
export function descendantPids(root = process.pid): number[] {
  const table = processTable();
  const children = new Map<number, number[]>();
  for (const p of table) {
    if (p.zombie) continue;
    children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  }
  const out: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Those of `pids` still running (a zombie, dead but not yet reaped, is not running). */
export function runningPids(pids: number[]): number[] {
  const running = new Set(processTable().filter((p) => !p.zombie).map((p) => p.pid));
  return pids.filter((pid) => running.has(pid));
}

const sleepSync = (ms: number): void => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms) as unknown as void;

/**
 * SIGKILLs every descendant (the whole tree is listed first, so grandchildren whose parent dies
 * first are not missed), then waits up to `waitMs` until none is left running, so none writes a
 * file after the caller has removed its temp files. Returns the pids it killed.
 */
export function killDescendants(waitMs = 1500): number[] {
  const killed = descendantPids();
  for (const pid of killed) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const until = Date.now() + waitMs;
  while (runningPids(killed).length && Date.now() < until) sleepSync(20);
  return killed;
}
