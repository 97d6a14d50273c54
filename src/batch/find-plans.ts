/**
 * The plan files a batch renders, from arguments that are each a plan file, a directory or a glob
 * (`plans/*.json`, `stories/**\/plan.json`; quote it, or let the shell expand it). A directory
 * contributes every JSON file under it that looks like a plan (an object with `sections`), so
 * notes, layer manifests and timelines beside the plans are left alone; a glob or a file is taken
 * as it is. Folders named node_modules, out or starting with a dot are not searched.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StillmotionError } from '../errors';

const SKIP_DIRS = new Set(['node_modules', 'out']);

export interface FoundPlans {
  /** Absolute plan files, sorted, without duplicates. */
  files: string[];
  /** Absolute folder each file was found under (output names are made relative to it). */
  roots: Map<string, string>;
}

function hasGlob(s: string): boolean {
  return /[*?[{]/.test(s);
}

/** A glob (`*`, `**`, `?`, `[abc]`, `{a,b}`) as a regular expression over '/'-separated relative paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '{') {
      const end = glob.indexOf('}', i + 1);
      if (end < 0) re += '\\{';
      else {
        re += `(?:${glob.slice(i + 1, end).split(',').map((p) => p.replace(/[.+^$()|\\]/g, '\\$&').replace(/\*/g, '[^/]*')).join('|')})`;
        i = end;
      }
    } else re += c.replace(/[.+^$()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

async function walk(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const nested = await Promise.all(
    entries.map(async (e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return e.name.startsWith('.') || SKIP_DIRS.has(e.name) ? [] : walk(p);
      return e.isFile() ? [p] : [];
    }),
  );
  return nested.flat();
}

async function looksLikePlan(file: string): Promise<boolean> {
  try {
    const data = JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
    return typeof data === 'object' && data !== null && Array.isArray((data as { sections?: unknown }).sections);
  } catch {
    return false;
  }
}

export async function findPlans(inputs: string[], cwd = process.cwd()): Promise<FoundPlans> {
  const roots = new Map<string, string>();
  const add = (file: string, root: string): void => {
    if (!roots.has(file)) roots.set(file, root);
  };
  for (const input of inputs) {
    const abs = path.resolve(cwd, input);
    const stat = await fs.stat(abs).catch(() => null);
    if (stat?.isFile()) {
      add(abs, path.dirname(abs));
    } else if (stat?.isDirectory()) {
      const json = (await walk(abs)).filter((f) => f.toLowerCase().endsWith('.json'));
      const plans = (await Promise.all(json.map(async (f) => ((await looksLikePlan(f)) ? f : null)))).filter((f): f is string => f !== null);
      if (!plans.length) throw new StillmotionError(`${input}: no plan files in this folder (JSON files with "sections")`);
      for (const f of plans) add(f, abs);
    } else if (hasGlob(input)) {
      const parts = input.split(/[\\/]/);
      const firstGlob = parts.findIndex(hasGlob);
      const base = path.resolve(cwd, parts.slice(0, firstGlob).join('/') || '.');
      const re = globToRegExp(parts.slice(firstGlob).join('/'));
      const matches = (await walk(base)).filter((f) => re.test(path.relative(base, f).split(path.sep).join('/')));
      if (!matches.length) throw new StillmotionError(`${input}: no files match this pattern`);
      for (const f of matches) add(f, base);
    } else {
      throw new StillmotionError(`${input}: no such file or folder (give plan files, folders of plans, or a glob like "plans/*.json")`);
    }
  }
  return { files: [...roots.keys()].sort(), roots };
}
