/**
 * Bundles the Remotion project (remotion/ and the pure modules it imports) once, and reuses the
 * bundle while its code is unchanged: keyed by the code reachable from the entry point (see
 * codeVersion), the packages it imports, the bundler's version and the public folder.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { bundle } from '@remotion/bundler';
import { contentHash } from '../cache/content-hash';
import { codeVersion, PROJECT_ROOT } from '../cache/sources-hash';

/** The Remotion project's entry point (relative to the package root); `stillmotion studio` opens it too. */
export const ENTRY_POINT = 'remotion/index.ts';
/** Copied into the bundle as it is (staticFile()). */
const PUBLIC_DIR = 'remotion/public';

async function publicFiles(dir: string): Promise<[string, Uint8Array][]> {
  const entries = await fs.readdir(path.join(PROJECT_ROOT, dir), { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.map(async (e): Promise<[string, Uint8Array][]> => {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) return publicFiles(rel);
      return e.isFile() ? [[rel, new Uint8Array(await fs.readFile(path.join(PROJECT_ROOT, rel)))]] : [];
    }),
  );
  return nested.flat().sort((a, b) => a[0].localeCompare(b[0]));
}

export async function bundleSourcesHash(): Promise<string> {
  const [code, pub] = await Promise.all([codeVersion('bundle-v2', [ENTRY_POINT], ['@remotion/bundler']), publicFiles(PUBLIC_DIR)]);
  return contentHash(code, pub.flat()).slice(0, 16);
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
      entryPoint: path.join(PROJECT_ROOT, ENTRY_POINT),
      rootDir: PROJECT_ROOT,
      outDir: tmp,
      publicDir: path.join(PROJECT_ROOT, PUBLIC_DIR),
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
