/**
 * The version of the code behind an output, for cache keys (the browser bundle, frames drawn in
 * Node): a content hash of every project file reachable by imports from the given entry points,
 * found by esbuild (type-only imports do not count: they cannot change a pixel), plus the versions
 * of the packages those files import and of Remotion itself. No hand-kept list of folders to forget
 * updating: a new import is covered the moment it is written.
 */
import { promises as fs } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { contentHash } from './content-hash';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const BUILTINS = new Set(builtinModules);

/** The package a bare import names: 'remotion', '@remotion/transitions/fade' -> '@remotion/transitions'. */
function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return null;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  return BUILTINS.has(name) ? null : name;
}

async function packageVersion(name: string): Promise<string> {
  const file = path.join(PROJECT_ROOT, 'node_modules', name, 'package.json');
  const json = await fs.readFile(file, 'utf8').catch(() => null);
  return json ? String((JSON.parse(json) as { version?: unknown }).version) : 'missing';
}

export interface ImportGraph {
  /** Project files (relative to the project root), sorted. */
  files: string[];
  /** Packages imported from those files, sorted. */
  packages: string[];
}

/** Every project file reachable by (value) imports from `entries` (paths relative to the project root), and the packages they import. */
export async function importGraph(entries: string[]): Promise<ImportGraph> {
  const result = await build({
    entryPoints: entries.map((e) => path.join(PROJECT_ROOT, e)),
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    write: false,
    metafile: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    jsx: 'automatic',
    outdir: 'out',
    logLevel: 'silent',
  });
  const files = new Set<string>();
  const packages = new Set<string>();
  for (const [file, input] of Object.entries(result.metafile.inputs)) {
    files.add(file);
    for (const imp of input.imports) {
      if (!imp.external) continue;
      const pkg = packageOf(imp.path);
      if (pkg) packages.add(pkg);
    }
  }
  return { files: [...files].sort(), packages: [...packages].sort() };
}

/**
 * A hash of the code reachable from `entries`: the contents of its project files and the versions
 * of the packages it imports, of `remotion` and of any `extraPackages` (paths relative to the project root).
 */
export async function codeVersion(label: string, entries: string[], extraPackages: string[] = []): Promise<string> {
  const graph = await importGraph(entries);
  const files = await Promise.all(graph.files.map(async (f) => [f, new Uint8Array(await fs.readFile(path.join(PROJECT_ROOT, f)))] as [string, Uint8Array]));
  const names = [...new Set(['remotion', ...graph.packages, ...extraPackages])].sort();
  const versions = await Promise.all(names.map(async (n) => `${n}@${await packageVersion(n)}`));
  return contentHash(label, files.flat(), versions).slice(0, 16);
}
