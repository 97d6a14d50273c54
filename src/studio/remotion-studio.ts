/**
 * Runs Remotion Studio (the `remotion studio` command of @remotion/cli, as `npm run studio` does)
 * on Stillmotion's Remotion project with its input props read from a JSON file. Remotion's CLI
 * watches that file (fs.watchFile) and, when it changes, hands the new props to every open Studio
 * tab, which reloads with them: replacing the file (atomically) is how a plan edit reaches the preview.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { PROJECT_ROOT } from '../cache/sources-hash';
import { StillmotionError } from '../errors';

const require = createRequire(import.meta.url);

/** The `remotion` executable script of the installed @remotion/cli. */
function remotionCli(): string {
  return path.join(path.dirname(require.resolve('@remotion/cli/package.json')), 'remotion-cli.js');
}

/** Remotion Studio's own port range when none is asked for. */
const FIRST_PORT = 3000;
const LAST_PORT = 3100;

async function portFree(port: number): Promise<boolean> {
  // Remotion binds every interface: test the same.
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen({ port, host: '0.0.0.0', exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/** `port` when it is free (an error naming it when not), else the first free port from 3000. */
export async function choosePort(port?: number): Promise<number> {
  if (port !== undefined) {
    if (!(await portFree(port))) throw new StillmotionError(`--port ${port}: the port is in use`);
    return port;
  }
  for (let p = FIRST_PORT; p <= LAST_PORT; p++) if (await portFree(p)) return p;
  throw new StillmotionError(`no free port between ${FIRST_PORT} and ${LAST_PORT}: give one with --port`);
}

export interface StudioLaunch {
  /** The Remotion entry point (absolute, or relative to the package root). */
  entryPoint: string;
  /** A Remotion config file to use instead of the package's remotion.config.ts. */
  remotionConfig?: string | null;
  /** JSON file holding the input props ({plan, media}); rewritten to update the preview. */
  propsFile: string;
  port: number;
  /** Open a browser tab (Remotion's default). */
  open: boolean;
  /** Studio's own output, line by line. */
  onOutput?: (line: string) => void;
}

export interface RunningStudio {
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code when Studio stops. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Starts Studio and resolves once it answers HTTP on 127.0.0.1:port (rejects if it exits first). */
export async function startRemotionStudio(o: StudioLaunch, timeoutMs = 180_000): Promise<RunningStudio> {
  const args = [remotionCli(), 'studio', o.entryPoint, `--props=${o.propsFile}`, `--port=${o.port}`, '--ipv4', '--force-new'];
  if (!o.open) args.push('--no-open');
  if (o.remotionConfig) args.push(`--config=${o.remotionConfig}`);
  const child = spawn(process.execPath, args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...(o.open ? {} : { BROWSER: 'none' }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const onData = (d: Buffer): void => {
    const text = d.toString();
    tail = (tail + text).slice(-4000);
    for (const line of text.split('\n')) if (line.trim()) o.onOutput?.(line);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));
  const stop = async (): Promise<void> => {
    if (!done) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  const url = `http://127.0.0.1:${o.port}`;
  const until = Date.now() + timeoutMs;
  while (!done) {
    const ok = await fetch(`${url}/`).then((r) => r.ok, () => false);
    if (ok) return { url, child, exited, stop };
    if (Date.now() > until) {
      await stop();
      throw new StillmotionError(`Remotion Studio did not answer on ${url} within ${timeoutMs / 1000} s:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new StillmotionError(`Remotion Studio exited (code ${child.exitCode}) before it was ready:\n${tail}`);
}
