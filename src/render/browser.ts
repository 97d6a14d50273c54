/**
 * Finds a Chromium for rendering, in the order users expect:
 *   1. --browser-executable / REMOTION_BROWSER_EXECUTABLE
 *   2. a Chrome or Chromium installed on the system
 *   3. the Chromium shipped inside the optional npm package @sparticuz/chromium (Linux x64, works offline)
 *   4. Remotion's own Chrome Headless Shell download
 * and fails with one message naming all of them when none works.
 */
import { constants as fsConstants, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBrowser } from '@remotion/renderer';
import { StillmotionError } from '../errors';
import { withSystemTempDir } from '../process/scratch-dir';

export type BrowserSource = 'option' | 'env' | 'system' | '@sparticuz/chromium' | 'remotion-download';

export interface BrowserChoice {
  /** null = Remotion's own downloaded browser. */
  executable: string | null;
  source: BrowserSource;
}

const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome', 'chrome'];
const SYSTEM_PATHS: Partial<Record<NodeJS.Platform, string[]>> = {
  linux: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome-stable', '/usr/bin/google-chrome', '/opt/google/chrome/chrome'],
  darwin: [
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    path.join(os.homedir(), 'Applications/Google Chrome.app/Contents/MacOS/Google Chrome'),
  ],
  win32: [
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
  ],
};

async function isExecutable(file: string): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return false;
    await fs.access(file, process.platform === 'win32' ? fsConstants.F_OK : fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A Chrome/Chromium on PATH or in the usual install locations. */
export async function findSystemBrowser(env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const name of SYSTEM_NAMES) {
    for (const dir of dirs) {
      const file = path.join(dir, process.platform === 'win32' ? `${name}.exe` : name);
      if (await isExecutable(file)) return file;
    }
  }
  for (const file of SYSTEM_PATHS[process.platform] ?? []) {
    if (await isExecutable(file)) return file;
  }
  return null;
}

async function sparticuzChromium(): Promise<string> {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error('only for Linux x64');
  const mod = (await import('@sparticuz/chromium').catch(() => null)) as { default: { executablePath: () => Promise<string> } } | null;
  if (!mod) throw new Error('not installed');
  // It unpacks Chromium into os.tmpdir() and reuses what it finds there; it reads os.tmpdir() before
  // its first await. The system temp folder keeps one unpacked copy per machine, not one per run.
  return withSystemTempDir(() => mod.default.executablePath());
}

export interface ResolveBrowserOptions {
  executable?: string;
  env?: NodeJS.ProcessEnv;
  /** Skip the system search (tests of the fallback chain). */
  skipSystem?: boolean;
  /** Skip Remotion's download (it needs internet). */
  skipDownload?: boolean;
  onLog?: (msg: string) => void;
}

export async function resolveBrowser(opts: ResolveBrowserOptions = {}): Promise<BrowserChoice> {
  const env = opts.env ?? process.env;
  if (opts.executable) {
    if (!(await isExecutable(opts.executable))) {
      throw new StillmotionError(`--browser-executable: not an executable file: ${opts.executable}`);
    }
    return { executable: path.resolve(opts.executable), source: 'option' };
  }
  const fromEnv = env.REMOTION_BROWSER_EXECUTABLE;
  if (fromEnv) {
    if (!(await isExecutable(fromEnv))) throw new StillmotionError(`REMOTION_BROWSER_EXECUTABLE: not an executable file: ${fromEnv}`);
    return { executable: path.resolve(fromEnv), source: 'env' };
  }
  const tried: string[] = ['--browser-executable / REMOTION_BROWSER_EXECUTABLE: not set'];
  if (!opts.skipSystem) {
    const system = await findSystemBrowser(env);
    if (system) return { executable: system, source: 'system' };
    tried.push(`system Chrome/Chromium: none found (looked for ${SYSTEM_NAMES.join(', ')} on PATH)`);
  }
  try {
    return { executable: await sparticuzChromium(), source: '@sparticuz/chromium' };
  } catch (err) {
    tried.push(`@sparticuz/chromium: ${(err as Error).message}`);
  }
  if (!opts.skipDownload) {
    try {
      opts.onLog?.('Downloading Remotion\'s Chrome Headless Shell...');
      await ensureBrowser({ logLevel: 'error' });
      return { executable: null, source: 'remotion-download' };
    } catch (err) {
      tried.push(`Remotion's browser download: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  throw new StillmotionError(
    'No browser to render with. Install Chrome or Chromium (e.g. `apt-get install chromium`), ' +
      'or pass --browser-executable PATH (or set REMOTION_BROWSER_EXECUTABLE). Tried:',
    tried.map((message) => ({ path: '', message })),
  );
}
