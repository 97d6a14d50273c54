/**
 * On-disk cache for depth maps and layers, keyed by content hash:
 * `<root>/depth/<key>.png` (+ `.json` facts) and `<root>/layers/<key>/...`. Root defaults to `.stillmotion/cache`.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

const DEFAULT_CACHE_ROOT = path.join('.stillmotion', 'cache');

export interface CacheOptions {
  /** Cache root directory (default `.stillmotion/cache`). */
  cacheDir?: string;
  /** Set false to neither read nor write the cache. */
  cache?: boolean;
}

export function cacheDirFor(kind: 'depth' | 'layers', opts: CacheOptions = {}): string {
  return path.join(opts.cacheDir ?? DEFAULT_CACHE_ROOT, kind);
}

/** Reads a cached file, or undefined when it is missing (or caching is off). */
export async function readCached(file: string, opts: CacheOptions = {}): Promise<Buffer | undefined> {
  if (opts.cache === false) return undefined;
  try {
    return await fs.readFile(file);
  } catch {
    return undefined;
  }
}
