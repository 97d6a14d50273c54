/** Images given as http(s) URLs are downloaded once into the cache (keyed by URL) so they can be probed and pre-scaled. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { contentHash } from '../cache/content-hash';
import { StillmotionError } from '../errors';
import { writeFileAtomic } from '../fs/atomic-write';

export function isUrl(ref: string): boolean {
  return /^https?:\/\//i.test(ref);
}

export async function fetchToCache(url: string, cacheDir: string, label: string, timeoutMs = 60_000): Promise<string> {
  const ext = path.extname(new URL(url).pathname).slice(0, 6) || '.bin';
  const file = path.join(cacheDir, 'downloads', `${contentHash(url)}${ext}`);
  try {
    await fs.access(file);
    return file;
  } catch {
    // not cached yet
  }
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new StillmotionError(`${label}: cannot download ${url}: ${(err as Error).message}`);
  }
  if (!res.ok) throw new StillmotionError(`${label}: cannot download ${url}: HTTP ${res.status}`);
  await writeFileAtomic(file, new Uint8Array(await res.arrayBuffer()));
  return file;
}
