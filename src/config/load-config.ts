/**
 * A project's stillmotion.config.(ts|mts|mjs|js): found next to its plans (or given with
 * --config), compiled with esbuild and imported, its scenes registered for this process.
 *
 * The config is bundled to one ES module (its own local imports inlined) written beside it, so
 * the packages it imports resolve from the project as usual; the packages whose single instance
 * must be shared with Stillmotion (stillmotion itself, zod, react, remotion) resolve to
 * Stillmotion's own copies, so a project without `stillmotion` in its node_modules (a clone used
 * from elsewhere) loads too. The same esbuild pass yields the config's import graph, whose
 * contents key the bundle and Node-drawn segments (a change to a scene re-renders it).
 */
import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { contentHash } from '../cache/content-hash';
import { PROJECT_ROOT } from '../cache/sources-hash';
import { StillmotionError } from '../errors';
import { tempPathFor } from '../fs/atomic-write';
import { checkScenes, registerScenes } from '../scenes/registry';
import type { SceneDefinition } from '../scenes/define-scene';

/** Looked for in this order in each folder. */
const CONFIG_FILE_NAMES = ['stillmotion.config.ts', 'stillmotion.config.mts', 'stillmotion.config.mjs', 'stillmotion.config.js'] as const;

/** `stillmotion`'s entries (package.json `exports`), as a config may import them. */
export const PACKAGE_ENTRIES: Record<string, string> = {
  stillmotion: 'src/index.ts',
  'stillmotion/scenes': 'src/scenes/index.ts',
  'stillmotion/remotion': 'remotion/exports.ts',
};

/** Packages a config shares with Stillmotion: one instance each (zod schemas, React components). */
const SHARED_PACKAGES = /^(zod|react|react-dom|remotion)(\/.*)?$/;

export interface ProjectConfig {
  /** Absolute path of the config file. */
  file: string;
  scenes: readonly SceneDefinition[];
  /** Hash of the config and every project file it imports (for cache keys). */
  version: string;
  /** Those files, absolute. */
  files: string[];
}

const rel = (f: string): string => path.relative(process.cwd(), f) || f;

/**
 * The config that applies to files in `dir`: the first stillmotion.config.* in `dir` or a folder
 * above it, stopping at the project root (a folder with package.json or .git). Null when none.
 */
export async function findConfigFile(dir: string): Promise<string | null> {
  let at = path.resolve(dir);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const file = path.join(at, name);
      if (await fs.stat(file).then((s) => s.isFile(), () => false)) return file;
    }
    const isRoot = await Promise.all(['package.json', '.git'].map((m) => fs.stat(path.join(at, m)).then(() => true, () => false)));
    const up = path.dirname(at);
    if (isRoot.some(Boolean) || up === at) return null;
    at = up;
  }
}

/** The URL `specifier` has when Stillmotion imports it (the same file, so the same instance). */
function resolveFromStillmotion(specifier: string): string {
  // import.meta.resolve gives the ESM file ("import" condition); test runners may lack it.
  return typeof import.meta.resolve === 'function' ? import.meta.resolve(specifier) : pathToFileURL(createRequire(import.meta.url).resolve(specifier)).href;
}

/** Resolves stillmotion's entries and the shared packages to Stillmotion's own files (left as imports). */
const sharedWithStillmotion: Plugin = {
  name: 'stillmotion-shared',
  setup(b) {
    b.onResolve({ filter: /^(stillmotion(\/[a-z]+)?|zod|react|react-dom|remotion)(\/.*)?$/ }, (args) => {
      const entry = PACKAGE_ENTRIES[args.path];
      if (entry) return { path: pathToFileURL(path.join(PROJECT_ROOT, entry)).href, external: true };
      if (args.path.startsWith('stillmotion')) return { errors: [{ text: `"${args.path}" is not an entry of stillmotion (entries: ${Object.keys(PACKAGE_ENTRIES).join(', ')})` }] };
      if (SHARED_PACKAGES.test(args.path)) return { path: resolveFromStillmotion(args.path), external: true };
      return undefined;
    });
  },
};

/** Loads a config file (its default export) without registering it. */
export async function loadConfigFile(file: string): Promise<ProjectConfig> {
  const absolute = path.resolve(file);
  if (!(await fs.stat(absolute).then((s) => s.isFile(), () => false))) throw new StillmotionError(`${rel(absolute)}: config file not found`);
  const dir = path.dirname(absolute);
  let code: string;
  let inputs: string[];
  try {
    const result = await build({
      entryPoints: [absolute],
      absWorkingDir: dir,
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      jsx: 'automatic',
      packages: 'external',
      outfile: path.join(dir, 'config.mjs'),
      logLevel: 'silent',
      plugins: [sharedWithStillmotion],
    });
    code = result.outputFiles[0]!.text;
    inputs = Object.keys(result.metafile.inputs).map((f) => path.resolve(dir, f)).sort();
  } catch (err) {
    const errors = (err as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors;
    const first = errors?.[0];
    const where = first?.location ? `${rel(path.resolve(dir, first.location.file))}:${first.location.line}:${first.location.column + 1}` : rel(absolute);
    throw new StillmotionError(`${where}: cannot compile the config: ${first?.text ?? (err as Error).message}`);
  }
  // Beside the config, so its other imports resolve from the project; removed once imported.
  const tmp = tempPathFor(path.join(dir, 'stillmotion.config.mjs'));
  let mod: { default?: unknown };
  try {
    await fs.writeFile(tmp, code);
    mod = (await import(pathToFileURL(tmp).href)) as { default?: unknown };
  } catch (err) {
    throw new StillmotionError(`${rel(absolute)}: cannot load the config: ${(err as Error).message}`);
  } finally {
    await fs.rm(tmp, { force: true });
  }
  const config = mod.default;
  if (!config || typeof config !== 'object') throw new StillmotionError(`${rel(absolute)}: the config must have a default export: export default { scenes: [...] }`);
  let scenes: readonly SceneDefinition[];
  try {
    scenes = checkScenes((config as { scenes?: unknown }).scenes ?? [], rel(absolute));
  } catch (err) {
    throw new StillmotionError((err as Error).message);
  }
  const contents = await Promise.all(inputs.map(async (f) => [path.relative(dir, f), new Uint8Array(await fs.readFile(f))] as [string, Uint8Array]));
  return { file: absolute, scenes, version: contentHash('stillmotion-config-v1', contents.flat()).slice(0, 16), files: inputs };
}

let active: ProjectConfig | null = null;

/** The config the CLI loaded for this process (its scenes are registered), or null. */
export function activeProjectConfig(): ProjectConfig | null {
  return active;
}

/**
 * Loads the project's config (`file`, else the one found from `searchFrom`) and registers its
 * scenes for this process; without one, only the built-in scenes are registered. Returns it.
 */
export async function useProjectConfig(opts: { file?: string; searchFrom: string }): Promise<ProjectConfig | null> {
  const file = opts.file ?? (await findConfigFile(opts.searchFrom));
  const config = file ? await loadConfigFile(file) : null;
  registerScenes(config?.scenes ?? [], config ? rel(config.file) : 'scenes');
  active = config;
  return config;
}
