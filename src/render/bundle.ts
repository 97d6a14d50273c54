/**
 * Bundles the Remotion project (remotion/ and the pure modules it imports) once, and reuses the
 * bundle while those sources are unchanged: keyed by a content hash of them.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { bundle } from '@remotion/bundler';
import { PROJECT_ROOT, sourcesHash } from '../cache/sources-hash';

/** Everything the browser bundle is built from. Keep in sync with what remotion/ imports. */
const BUNDLE_INPUTS = ['remotion', 'src/plan', 'src/timeline', 'src/audio', 'src/errors.ts', 'examples/launch-day/plan.json', 'package.json'];

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
