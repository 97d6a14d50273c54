/**
 * Bundles the Remotion project (remotion/ and the pure modules it imports, plus a project's own
 * scenes from its stillmotion.config: see bundle-entry.ts) once, and reuses the bundle while its
 * code is unchanged: keyed by the code reachable from the entry point (see codeVersion), the
 * packages it imports, the bundler's version, the public folder, and the project config with
 * everything it imports.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundle } from '@remotion/bundler';
import { contentHash } from '../cache/content-hash';
import { codeVersion, PROJECT_ROOT } from '../cache/sources-hash';
import { activeProjectConfig, type ProjectConfig } from '../config/load-config';
import { moveDirInto } from '../fs/move-dir';
import { DEFAULT_ENTRY_POINT, projectWebpackOverride, writeProjectBundleEntry } from './bundle-entry';

/** The package's own entry point (relative to the package root); with a project config, see writeProjectBundleEntry. */
export const ENTRY_POINT = DEFAULT_ENTRY_POINT;
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

/**
 * The bundle's key. `config`: the project config whose scenes the bundle includes (default: the
 * one this process loaded, if any); its path and the contents of everything it imports count.
 */
export async function bundleSourcesHash(config: ProjectConfig | null = activeProjectConfig()): Promise<string> {
  const [code, pub] = await Promise.all([codeVersion('bundle-v2', [DEFAULT_ENTRY_POINT, 'remotion/register-project.ts'], ['@remotion/bundler']), publicFiles(PUBLIC_DIR)]);
  return contentHash(code, pub.flat(), config ? [config.file, config.version] : null).slice(0, 16);
}

export interface BundleOptions {
  cacheDir: string;
  /** The project config whose scenes to include (default: the one this process loaded, if any). */
  config?: ProjectConfig | null;
  onProgress?: (percent: number) => void;
}

/** Returns the serve directory of an up-to-date bundle. */
export async function bundleProject(opts: BundleOptions): Promise<string> {
  const config = opts.config === undefined ? activeProjectConfig() : opts.config;
  const hash = await bundleSourcesHash(config);
  const bundles = path.join(path.resolve(opts.cacheDir), 'bundle');
  const outDir = path.join(bundles, hash);
  if (await fs.stat(path.join(outDir, 'index.html')).catch(() => null)) return outDir;
  // Built in this run's scratch folder (swept if the process is killed), then moved into place.
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), `stillmotion-bundle-${hash}-`));
  try {
    const entryPoint = await writeProjectBundleEntry(config, tmp);
    await bundle({
      entryPoint,
      rootDir: PROJECT_ROOT,
      outDir: path.join(tmp, 'out'),
      publicDir: path.join(PROJECT_ROOT, PUBLIC_DIR),
      onProgress: (p) => opts.onProgress?.(p),
      enableCaching: true,
      ...(config ? { webpackOverride: projectWebpackOverride } : {}),
    });
    await fs.mkdir(bundles, { recursive: true });
    // Another process finished the same bundle first: use theirs (it may be in use).
    if (!(await moveDirInto(path.join(tmp, 'out'), outDir)) && !(await fs.stat(path.join(outDir, 'index.html')).catch(() => null))) {
      throw new Error(`cannot move the bundle into ${outDir}`);
    }
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
  return outDir;
}
