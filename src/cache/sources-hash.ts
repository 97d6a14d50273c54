/**
 * A content hash of some of the project's own source files and folders: what keys caches whose
 * output depends on code (the browser bundle, frames drawn in Node), so a code change re-renders.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentHash } from './content-hash';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

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
