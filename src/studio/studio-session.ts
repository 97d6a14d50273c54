/**
 * `stillmotion studio`'s session: serves a plan's files and prepared media over loopback, runs
 * Remotion Studio on the plan with them, and follows edits of the plan file: each valid edit is
 * prepared again (what is unchanged comes from the caches: layers, analysis, clips, pre-scaled
 * images) and handed to Studio, which reloads; an invalid one is reported and the preview keeps the
 * last valid plan. Stops (Studio, the asset server, the watch) when `signal` aborts or Studio exits.
 */
import { promises as fs, unwatchFile, watchFile } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write';
import type { CompositionProps } from '../plan/schema';
import { AssetServer } from '../render/asset-server';
import { prepareStudio, type PrepareStudioOptions } from './prepare-studio';
import { studioProps } from './studio-props';
import { choosePort, startRemotionStudio } from './remotion-studio';
import { activeProjectConfig } from '../config/load-config';
import { studioEntry } from './studio-entry';

export interface StudioSessionOptions extends Omit<PrepareStudioOptions, 'signal'> {
  port?: number;
  open: boolean;
  signal?: AbortSignal;
  /** How often the plan file is checked for edits (ms). */
  watchIntervalMs?: number;
  /** Called once Studio answers, with its URL. */
  onReady?: (url: string) => void;
  /** Called after each edit of the plan was handed to Studio (or refused). */
  onReload?: (result: { ok: true; seconds: number } | { ok: false; error: Error }) => void;
  onStudioOutput?: (line: string) => void;
}

/** Printed when a signal stops the session (Studio and the asset server are stopped; nothing is left behind). */
export const STUDIO_STOPPED = 'Studio stopped.';

/** How long the plan file must stay unchanged before an edit is read (an editor or a tool may still be writing it). */
const SETTLE_MS = 150;
/** The longest an edit waits for the file to settle. */
const SETTLE_MAX_MS = 3000;

/** The file's size and modification time, or null when it is not there. */
async function fileStamp(file: string): Promise<string | null> {
  const st = await fs.stat(file).catch(() => null);
  return st ? `${st.size} ${st.mtimeMs}` : null;
}

/**
 * Resolves once `file` looks the same twice SETTLE_MS apart (or after SETTLE_MAX_MS): a plan saved
 * by truncating and writing is read whole, not as the empty or half-written file between the two.
 */
async function settled(file: string, signal?: AbortSignal): Promise<void> {
  let last = await fileStamp(file);
  for (let waited = 0; waited < SETTLE_MAX_MS && !signal?.aborted; waited += SETTLE_MS) {
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const now = await fileStamp(file);
    if (now === last) return;
    last = now;
  }
}

export function propsJson(props: CompositionProps): string {
  return `${JSON.stringify(props, null, 2)}\n`;
}

/** Runs until stopped; resolves with Studio's exit code (null: stopped by the signal). */
export async function runStudioSession(planPath: string, o: StudioSessionOptions): Promise<number | null> {
  const log = o.onLog ?? (() => undefined);
  // The port is checked, and the plan validated and prepared, before anything is started: a bad
  // flag, plan or file fails with nothing left running.
  const port = await choosePort(o.port);
  const first = await prepareStudio(planPath, { ...o, signal: o.signal });
  const server = new AssetServer();
  await server.start();
  const url = (f: string): string => server.url(f);
  const prepare = async (): Promise<CompositionProps> => {
    const { loaded, assets } = await prepareStudio(planPath, { ...o, signal: o.signal });
    return studioProps(loaded, assets, { cacheDir: o.cacheDir, url });
  };
  let workDir: string | null = null;
  let watching = false;
  try {
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'stillmotion-studio-'));
    const propsFile = path.join(workDir, 'props.json');
    let current = propsJson(await studioProps(first.loaded, first.assets, { cacheDir: o.cacheDir, url }));
    await writeFileAtomic(propsFile, current);
    o.signal?.throwIfAborted();
    const entry = await studioEntry(activeProjectConfig(), workDir);
    const studio = await startRemotionStudio({ ...entry, propsFile, port, open: o.open, onOutput: o.onStudioOutput });
    const stopped = new Promise<null>((resolve) => {
      if (o.signal?.aborted) resolve(null);
      o.signal?.addEventListener('abort', () => resolve(null), { once: true });
    });
    o.onReady?.(studio.url);

    // Edits: one reload at a time; an edit made during a reload triggers one more.
    let running: Promise<void> | null = null;
    let again = false;
    const reload = async (): Promise<void> => {
      await settled(planPath, o.signal);
      const started = performance.now();
      try {
        const next = propsJson(await prepare());
        // Saving without a change does not reload the page.
        if (next !== current) {
          await writeFileAtomic(propsFile, next);
          current = next;
        }
        o.onReload?.({ ok: true, seconds: (performance.now() - started) / 1000 });
      } catch (err) {
        // Stopped, or the file changed again while it was read: the next reload reports what it holds.
        if (o.signal?.aborted || again) return;
        o.onReload?.({ ok: false, error: err as Error });
      }
    };
    const onChange = (): void => {
      if (running) {
        again = true;
        return;
      }
      running = (async () => {
        do {
          again = false;
          await reload();
        } while (again && !o.signal?.aborted);
        running = null;
      })();
    };
    watchFile(planPath, { interval: o.watchIntervalMs ?? 300 }, (cur, prev) => {
      if (cur.mtimeMs !== prev.mtimeMs || cur.size !== prev.size) onChange();
    });
    watching = true;
    log(`watching ${planPath} for edits`);
    const code = await Promise.race([studio.exited, stopped]);
    await studio.stop();
    if (running) await running;
    return code;
  } finally {
    if (watching) unwatchFile(planPath);
    await server.close();
    if (workDir) await fs.rm(workDir, { recursive: true, force: true });
  }
}
