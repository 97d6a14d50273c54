/**
 * Starts ffmpeg/ffprobe through a small relay process (spawn-relay-child.mjs) instead of from the
 * render process itself. Node starts a process by forking the caller, and the fork copies the
 * caller's page tables: measured here, spawning /bin/true took 390 ms of blocked main thread from a
 * Node process holding 800 MB, 60 ms from one holding 10 MB (load average 12 on 2 cores). A long
 * story starts two tools per segment (the encoder, the check), hundreds in all, from a renderer
 * holding its decoded pictures. The relay is forked once; it forks the tools cheaply.
 *
 * A streamed stdin goes over a unix socket the relay connects and hands to the tool, so frames
 * travel from the renderer to the tool directly, not through the relay.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RelayedResult {
  /** Exit code; -1 when killed by a signal or never started. */
  code: number;
  stdout: Buffer;
  stderr: string;
}

export interface RelayedProcess {
  /** The tool's stdin (when asked for): write to it, end it. */
  stdin: net.Socket | null;
  exited: Promise<RelayedResult>;
  kill(): void;
}

interface Pending {
  spawned: () => void;
  done: (r: RelayedResult) => void;
}

interface Reply {
  id: number;
  spawned?: true;
  code?: number;
  stdout?: Buffer | Uint8Array;
  stderr?: string;
}

let relay: ChildProcess | null = null;
const pending = new Map<number, Pending>();
let nextId = 0;

function relayProcess(): ChildProcess {
  if (relay) return relay;
  const child = fork(fileURLToPath(new URL('./spawn-relay-child.mjs', import.meta.url)), [], {
    execArgv: [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  child.on('message', (m: Reply) => {
    const p = pending.get(m.id);
    if (!p) return;
    if (m.spawned) return p.spawned();
    pending.delete(m.id);
    idle();
    p.done({ code: m.code ?? -1, stdout: Buffer.from(m.stdout ?? []), stderr: m.stderr ?? '' });
  });
  child.on('exit', (code) => {
    if (relay === child) relay = null;
    for (const [id, p] of pending) {
      pending.delete(id);
      p.done({ code: -1, stdout: Buffer.alloc(0), stderr: `the spawn relay ended (exit ${code})` });
    }
  });
  // A send to a relay that is gone (an interrupt kills every child) is answered by 'exit' above.
  child.on('error', () => undefined);
  // Only a running tool keeps the render process alive, not the relay.
  child.unref();
  relay = child;
  idle();
  return child;
}

/** The relay's channel holds the event loop open only while a tool runs. */
function idle(): void {
  const channel = relay?.channel as { ref(): void; unref(): void } | undefined;
  if (pending.size) channel?.ref();
  else channel?.unref();
}

/**
 * Runs `exe` with `args` through the relay. `stdin: true` gives a socket to write the tool's input
 * to (its stdout is then discarded); otherwise the tool's stdout is collected into the result.
 */
export async function spawnRelayed(exe: string, args: string[], o: { env: NodeJS.ProcessEnv; stdin?: boolean; signal?: AbortSignal }): Promise<RelayedProcess> {
  o.signal?.throwIfAborted();
  const id = nextId++;
  const child = relayProcess();
  let server: net.Server | null = null;
  let socketPath: string | null = null;
  let input: Promise<net.Socket> | null = null;
  if (o.stdin) {
    // Short, private, in this run's temp folder (unix socket paths are limited to about 100 bytes).
    socketPath = path.join(os.tmpdir(), `sm-${process.pid}-${randomBytes(4).toString('hex')}.sock`);
    const srv = net.createServer();
    server = srv;
    input = new Promise<net.Socket>((resolve, reject) => {
      srv.once('connection', resolve);
      srv.once('error', reject);
    });
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(socketPath!, resolve);
    });
  }
  let done!: (r: RelayedResult) => void;
  const exited = new Promise<RelayedResult>((resolve) => (done = resolve));
  const spawned = new Promise<void>((resolve) => {
    pending.set(id, { spawned: resolve, done });
  });
  idle();
  const kill = (): void => {
    if (pending.has(id) && child.connected) child.send({ kill: id }, () => undefined);
  };
  const gone = (): void => {
    if (!pending.delete(id)) return;
    idle();
    done({ code: -1, stdout: Buffer.alloc(0), stderr: 'the spawn relay ended' });
  };
  try {
    if (!child.connected) gone();
    else child.send({ id, exe, args, env: o.env, cwd: process.cwd(), stdin: socketPath }, (err) => err && gone());
    // The tool is running (or has already failed to start) once the relay says so.
    await Promise.race([spawned, exited]);
    const stdin = input ? await Promise.race([input, exited.then(() => null)]) : null;
    if (input && !stdin) return { stdin: null, exited, kill };
    o.signal?.addEventListener('abort', kill, { once: true });
    void exited.then(() => o.signal?.removeEventListener('abort', kill));
    return { stdin, exited, kill };
  } finally {
    server?.close();
    if (socketPath) await fs.rm(socketPath, { force: true });
  }
}
