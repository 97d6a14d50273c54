/**
 * The tier-3 clip cache: finished MP4s by request key, in a local directory (default
 * `.stillmotion/cache/clips`) or any S3-compatible store. Every entry records the sha256 of its bytes
 * and is verified on read; a clip that no longer matches it is discarded (and then regenerated),
 * with a warning. Writes are atomic: locally the video is renamed into place, then its sha256 in a
 * `sha256sum`-style file beside it, then its metadata (the commit marker); on S3 a PutObject is
 * atomic and the metadata rides on the object. Clips are paid for: when only the local metadata is
 * damaged, a clip that still matches its sha256 is kept and its metadata rebuilt, with a warning.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { produceAtomic, writeFileAtomic } from '../fs/atomic-write';
import { sha256File } from './clip-key';
import { joinKey, makeS3Client, s3ConfigFromEnv, type S3Config } from './s3-config';

export const DEFAULT_CACHE_DIR = '.stillmotion/cache';

/** What is known about a cached clip. */
export interface ClipMeta {
  provider: string;
  model: string;
  durationSec: number;
  aspect: string;
  costUsd: number;
  prompt?: string;
  taskId?: string;
}

export interface ClipEntry extends ClipMeta {
  key: string;
  sha256: string;
  bytes: number;
  createdAt: string;
}

export interface ClipCache {
  readonly description: string;
  /** A verified local file for the key, or null (absent or corrupt: corrupt entries are deleted). */
  get(key: string, signal?: AbortSignal): Promise<string | null>;
  /** Stores a finished clip; returns the local path to use. */
  put(key: string, file: string, meta: ClipMeta): Promise<string>;
  list(): Promise<ClipEntry[]>;
  delete(key: string): Promise<void>;
}

const KEY_RE = /^[0-9a-f]{64}$/;

export interface ClipCacheOptions {
  /** Where damaged entries are reported (default: a `warning:` line on stderr). */
  onWarning?: (message: string) => void;
}

const warnOnStderr = (m: string): void => void process.stderr.write(`warning: ${m}\n`);

/** The fields of a damaged (e.g. truncated) JSON object that are still complete: `"name": "text"` or `"name": 12.5`. */
function salvageFields(text: string): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const m of text.matchAll(/"(\w+)"\s*:\s*(?:"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*[,}\n])/g)) {
    const [, name, str, num] = m;
    if (str !== undefined) {
      try {
        out[name!] = JSON.parse(`"${str}"`) as string;
      } catch {
        // A string cut inside an escape: not recoverable.
      }
    } else out[name!] = Number(num);
  }
  return out;
}

type ReadEntry = { entry: ClipEntry } | { damaged: string } | null;

/** Clips in `<dir>/clips/<key>.mp4` with `<key>.mp4.sha256` and `<key>.json` beside it. */
export class LocalClipCache implements ClipCache {
  readonly clipsDir: string;
  private readonly warn: (message: string) => void;
  constructor(
    readonly dir: string = DEFAULT_CACHE_DIR,
    opts: ClipCacheOptions = {},
  ) {
    this.clipsDir = path.join(dir, 'clips');
    this.warn = opts.onWarning ?? warnOnStderr;
  }

  get description(): string {
    return `local directory ${this.clipsDir}`;
  }

  fileFor(key: string): string {
    return path.join(this.clipsDir, `${key}.mp4`);
  }

  private metaFor(key: string): string {
    return path.join(this.clipsDir, `${key}.json`);
  }

  /** The clip's sha256 in `sha256sum` format, written before the metadata: what a damaged entry is verified with. */
  private hashFileFor(key: string): string {
    return `${this.fileFor(key)}.sha256`;
  }

  private async readEntry(key: string): Promise<ReadEntry> {
    let text: string;
    try {
      text = await fs.readFile(this.metaFor(key), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      return { damaged: '' };
    }
    try {
      const e = JSON.parse(text) as ClipEntry;
      if (e && e.key === key && typeof e.sha256 === 'string' && /^[0-9a-f]{64}$/.test(e.sha256)) return { entry: e };
    } catch {
      // Falls through: damaged.
    }
    return { damaged: text };
  }

  /**
   * A damaged metadata file: the clip is kept when it matches the sha256 recorded beside it (or one
   * still legible in the damaged metadata), and its metadata is rebuilt from what is legible;
   * otherwise the entry is removed. Either way the user is told.
   */
  private async recover(key: string, damaged: string): Promise<ClipEntry | null> {
    const name = `${key.slice(0, 12)}…`;
    const fields = salvageFields(damaged);
    const recorded = (await fs.readFile(this.hashFileFor(key), 'utf8').catch(() => '')).match(/^[0-9a-f]{64}/)?.[0] ?? (typeof fields.sha256 === 'string' ? fields.sha256 : null);
    const actual = await sha256File(this.fileFor(key)).catch(() => null);
    if (!actual) {
      this.warn(`clip cache: entry ${name} has damaged metadata and no clip; removed`);
      await this.delete(key);
      return null;
    }
    if (actual !== recorded) {
      this.warn(
        `clip cache: entry ${name} has damaged metadata and its clip ${recorded ? 'no longer matches its sha256' : 'has no sha256 left to verify it with'}; removed (it will be generated again): ${this.fileFor(key)}`,
      );
      await this.delete(key);
      return null;
    }
    const text = (k: string): string => (typeof fields[k] === 'string' ? (fields[k] as string) : '?');
    const num = (k: string): number => (typeof fields[k] === 'number' ? (fields[k] as number) : 0);
    const stat = await fs.stat(this.fileFor(key));
    const entry: ClipEntry = {
      key,
      sha256: actual,
      bytes: stat.size,
      createdAt: typeof fields.createdAt === 'string' && Number.isFinite(Date.parse(fields.createdAt)) ? fields.createdAt : stat.mtime.toISOString(),
      provider: text('provider'),
      model: text('model'),
      durationSec: num('durationSec'),
      aspect: text('aspect'),
      costUsd: num('costUsd'),
      ...(typeof fields.prompt === 'string' ? { prompt: fields.prompt } : {}),
      ...(typeof fields.taskId === 'string' ? { taskId: fields.taskId } : {}),
    };
    await writeFileAtomic(this.metaFor(key), `${JSON.stringify(entry, null, 2)}\n`);
    this.warn(`clip cache: entry ${name} had damaged metadata; the clip still matches its sha256, so it was kept and its metadata rebuilt (${this.metaFor(key)})`);
    return entry;
  }

  async get(key: string): Promise<string | null> {
    if (!KEY_RE.test(key)) return null;
    const read = await this.readEntry(key);
    if (!read) return null;
    const file = this.fileFor(key);
    if ('damaged' in read) return (await this.recover(key, read.damaged)) ? file : null;
    const actual = await sha256File(file).catch(() => null);
    if (actual !== read.entry.sha256) {
      this.warn(`clip cache: entry ${key.slice(0, 12)}…: ${actual ? 'the clip no longer matches its sha256' : 'the clip is missing'}; removed (it will be generated again): ${file}`);
      await this.delete(key);
      return null;
    }
    return file;
  }

  async put(key: string, file: string, meta: ClipMeta): Promise<string> {
    if (!KEY_RE.test(key)) throw new Error(`bad cache key ${key}`);
    const target = this.fileFor(key);
    const sha256 = await sha256File(file);
    const bytes = (await fs.stat(file)).size;
    if (path.resolve(file) !== path.resolve(target)) await produceAtomic(target, (tmp) => fs.copyFile(file, tmp));
    await writeFileAtomic(this.hashFileFor(key), `${sha256}  ${path.basename(target)}\n`);
    // Key and hash first: a truncated file most likely still has them.
    const entry: ClipEntry = { key, sha256, bytes, createdAt: new Date().toISOString(), ...meta };
    await writeFileAtomic(this.metaFor(key), `${JSON.stringify(entry, null, 2)}\n`);
    return target;
  }

  async list(): Promise<ClipEntry[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.clipsDir);
    } catch {
      return [];
    }
    const out: ClipEntry[] = [];
    for (const n of names) {
      const key = n.endsWith('.json') ? n.slice(0, -5) : null;
      if (!key || !KEY_RE.test(key)) continue;
      const read = await this.readEntry(key);
      const e = read && ('damaged' in read ? await this.recover(key, read.damaged) : read.entry);
      if (e) out.push(e);
    }
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async delete(key: string): Promise<void> {
    // Metadata first: without it the entry no longer exists for readers.
    await fs.rm(this.metaFor(key), { force: true });
    await fs.rm(this.fileFor(key), { force: true });
    await fs.rm(this.hashFileFor(key), { force: true });
  }
}

/**
 * Clips as objects `<prefix>clips/<key>.mp4` with metadata (sha256, provider, model, ...). Reads
 * download into `localDir` (verified by hash) so render gets a local file.
 */
export class S3ClipCache implements ClipCache {
  readonly client: S3Client;
  private readonly local: string;
  constructor(
    readonly cfg: S3Config,
    localDir: string = path.join(DEFAULT_CACHE_DIR, 's3-clips'),
    client?: S3Client,
  ) {
    this.client = client ?? makeS3Client(cfg);
    this.local = localDir;
  }

  get description(): string {
    return `s3://${this.cfg.bucket}/${joinKey(this.cfg.prefix, 'clips/')}${this.cfg.endpoint ? ` at ${this.cfg.endpoint}` : ''}`;
  }

  objectKey(key: string): string {
    return joinKey(this.cfg.prefix, `clips/${key}.mp4`);
  }

  private localFile(key: string): string {
    return path.join(this.local, `${key}.mp4`);
  }

  private async head(key: string): Promise<ClipEntry | null> {
    try {
      const h = await this.client.send(new HeadObjectCommand({ Bucket: this.cfg.bucket, Key: this.objectKey(key) }));
      return entryFromMeta(key, h.Metadata ?? {}, h.ContentLength ?? 0, h.LastModified);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async get(key: string, signal?: AbortSignal): Promise<string | null> {
    if (!KEY_RE.test(key)) return null;
    const entry = await this.head(key);
    if (!entry) return null;
    const file = this.localFile(key);
    // A copy fetched earlier is reused when it still matches the stored hash.
    if ((await sha256File(file).catch(() => null)) === entry.sha256) return file;
    const ok = await produceAtomic(file, async (tmp) => {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.cfg.bucket, Key: this.objectKey(key) }), { abortSignal: signal });
      const body = r.Body as { transformToByteArray(): Promise<Uint8Array> } | undefined;
      await fs.writeFile(tmp, body ? await body.transformToByteArray() : new Uint8Array());
      if ((await sha256File(tmp)) !== entry.sha256) throw new CorruptEntry();
      return true;
    }).catch((err: unknown) => {
      if (err instanceof CorruptEntry) return false;
      throw err;
    });
    if (!ok) {
      await this.delete(key);
      return null;
    }
    return file;
  }

  async put(key: string, file: string, meta: ClipMeta): Promise<string> {
    if (!KEY_RE.test(key)) throw new Error(`bad cache key ${key}`);
    const bytes = await fs.readFile(file);
    const sha256 = await sha256File(file);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.cfg.bucket,
        Key: this.objectKey(key),
        Body: bytes,
        ContentType: 'video/mp4',
        Metadata: {
          sha256,
          provider: meta.provider,
          model: meta.model,
          duration: String(meta.durationSec),
          aspect: meta.aspect,
          cost: String(meta.costUsd),
          created: new Date().toISOString(),
          ...(meta.taskId ? { task: meta.taskId.replace(/[^\x20-\x7e]/g, '') } : {}),
        },
      }),
    );
    const local = this.localFile(key);
    if (path.resolve(file) !== path.resolve(local)) await produceAtomic(local, (tmp) => fs.copyFile(file, tmp));
    return local;
  }

  async list(): Promise<ClipEntry[]> {
    const out: ClipEntry[] = [];
    const prefix = joinKey(this.cfg.prefix, 'clips/');
    let token: string | undefined;
    do {
      const r = await this.client.send(new ListObjectsV2Command({ Bucket: this.cfg.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of r.Contents ?? []) {
        const key = o.Key?.slice(prefix.length).replace(/\.mp4$/, '');
        if (!key || !KEY_RE.test(key)) continue;
        const e = await this.head(key);
        if (e) out.push(e);
      }
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.cfg.bucket, Key: this.objectKey(key) }));
    await fs.rm(this.localFile(key), { force: true });
  }
}

class CorruptEntry extends Error {}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

function entryFromMeta(key: string, m: Record<string, string>, bytes: number, modified?: Date): ClipEntry {
  return {
    key,
    sha256: m.sha256 ?? '',
    bytes,
    createdAt: m.created ?? modified?.toISOString() ?? '',
    provider: m.provider ?? '?',
    model: m.model ?? '?',
    durationSec: Number(m.duration ?? 0),
    aspect: m.aspect ?? '?',
    costUsd: Number(m.cost ?? 0),
    taskId: m.task,
  };
}

export interface OpenCacheOptions {
  /** 'local' or 's3'; default s3 when STILLMOTION_CACHE_S3_BUCKET (or opts.s3) is set, else local. */
  backend?: 'local' | 's3';
  dir?: string;
  s3?: S3Config;
  env?: NodeJS.ProcessEnv;
  /** Where a local cache reports damaged entries (default: stderr). */
  onWarning?: (message: string) => void;
}

export function openClipCache(opts: OpenCacheOptions = {}): ClipCache {
  const env = opts.env ?? process.env;
  const dir = opts.dir ?? env.STILLMOTION_CACHE_DIR ?? DEFAULT_CACHE_DIR;
  const s3 = opts.s3 ?? s3ConfigFromEnv(env);
  const backend = opts.backend ?? (s3 ? 's3' : 'local');
  if (backend === 's3') {
    if (!s3) throw new Error('S3 cache: set STILLMOTION_CACHE_S3_BUCKET (and _ENDPOINT for R2/MinIO)');
    return new S3ClipCache(s3, path.join(dir, 's3-clips'));
  }
  return new LocalClipCache(dir, { onWarning: opts.onWarning });
}

export interface CacheStats {
  entries: number;
  bytes: number;
  costUsd: number;
  byProvider: Record<string, { entries: number; bytes: number; costUsd: number }>;
  oldest: string | null;
  newest: string | null;
}

export function cacheStats(entries: ClipEntry[]): CacheStats {
  const byProvider: CacheStats['byProvider'] = {};
  let bytes = 0;
  let cost = 0;
  for (const e of entries) {
    bytes += Math.max(0, e.bytes);
    cost += e.costUsd;
    const p = (byProvider[e.provider] ??= { entries: 0, bytes: 0, costUsd: 0 });
    p.entries++;
    p.bytes += Math.max(0, e.bytes);
    p.costUsd += e.costUsd;
  }
  const dates = entries.map((e) => e.createdAt).filter(Boolean).sort();
  return { entries: entries.length, bytes, costUsd: round2(cost), byProvider, oldest: dates[0] ?? null, newest: dates[dates.length - 1] ?? null };
}

export interface PruneOptions {
  /** Remove entries older than this many days. */
  olderThanDays?: number;
  /** Then remove oldest entries until the total is under this many bytes. */
  maxBytes?: number;
  all?: boolean;
  dryRun?: boolean;
  now?: Date;
}

/** Removes entries by age / total size (oldest first); returns what was (or would be) removed. */
export async function pruneCache(cache: ClipCache, opts: PruneOptions): Promise<ClipEntry[]> {
  const entries = await cache.list();
  const now = (opts.now ?? new Date()).getTime();
  const doomed = new Set<ClipEntry>();
  for (const e of entries) {
    const created = Date.parse(e.createdAt);
    if (opts.all || e.bytes < 0 || !Number.isFinite(created)) doomed.add(e);
    else if (opts.olderThanDays !== undefined && now - created > opts.olderThanDays * 86_400_000) doomed.add(e);
  }
  if (opts.maxBytes !== undefined) {
    let total = entries.filter((e) => !doomed.has(e)).reduce((s, e) => s + e.bytes, 0);
    for (const e of entries) {
      if (total <= opts.maxBytes) break;
      if (doomed.has(e)) continue;
      doomed.add(e);
      total -= e.bytes;
    }
  }
  const removed = entries.filter((e) => doomed.has(e));
  if (!opts.dryRun) for (const e of removed) await cache.delete(e.key);
  return removed;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
