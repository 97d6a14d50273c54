/**
 * Bundles the Remotion project (remotion/ and the pure modules it imports) once, and reuses the
 * bundle while those sources are unchanged: keyed by a content hash of them.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from '@remotion/bundler';
import { contentHash } from '../cache/content-hash';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Everything the browser bundle is built from. Keep in sync with what remotion/ imports. */
const BUNDLE_INPUTS = ['remotion', 'src/plan', 'src/timeline', 'src/audio', 'src/errors.ts', 'examples/launch-day/plan.json', 'package.json'];

async function listFiles(p: string): Promise<string[]> {
  const stat = await fs.stat(p).catch(() => null);
  if (!stat) return [];
  if (stat.isFile()) return [p];
  const entries = await fs.readdir(p, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => listFiles(path.join(p, e.name))));
  return nested.flat().sort();
}

/** A hash of the contents of files and folders of the project (paths relative to its root). */
export async function sourcesHash(label: string, inputs: string[]): Promise<string> {
  const files = (await Promise.all(inputs.map((p) => listFiles(path.join(PROJECT_ROOT, p))))).flat();
  const parts = await Promise.all(files.map(async (f) => [path.relative(PROJECT_ROOT, f), new Uint8Array(await fs.readFile(f))] as [string, Uint8Array]));
  return contentHash(label, parts.flat()).slice(0, 16);
}

export async function bundleSourcesHash(): Promise<string> {
  return sourcesHash('bundle-v1', BUNDLE_INPUTS);
}

export interface BundleOptions {
  cacheDir: string;
  onProgress?: (percent: number) => void;
}

/** Returns the serve directory of an up-to-date bundle. */
export async function bundleProject(opts: BundleOptions): Promise<string> {
  const hash = await bundleSourcesHash();
  const outDir = path.join(path.resolve(opts.cacheDir), 'bundle', hash);
  if (await fs.stat(path.join(outDir, 'index.html')).catch(() => null)) return outDir;
  const tmp = `${outDir}.${process.pid}.tmp`;
  await fs.rm(tmp, { recursive: true, force: true });
  try {
    await bundle({
      entryPoint: path.join(PROJECT_ROOT, 'remotion/index.ts'),
      rootDir: PROJECT_ROOT,
      outDir: tmp,
      publicDir: path.join(PROJECT_ROOT, 'remotion/public'),
      onProgress: (p) => opts.onProgress?.(p),
      enableCaching: true,
    });
    try {
      await fs.rename(tmp, outDir);
    } catch (err) {
      // Another process finished the same bundle first: use theirs (it may be in use).
      if (!(await fs.stat(path.join(outDir, 'index.html')).catch(() => null))) throw err;
      await fs.rm(tmp, { recursive: true, force: true });
    }
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return outDir;
}
