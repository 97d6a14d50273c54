/**
 * Images and audio given as http(s) URLs are downloaded into the cache so they can be probed and
 * pre-scaled. A plan's URL may point anywhere, so a download:
 *   - goes through the address policy (src/net/guarded-get.ts);
 *   - streams to a temp file and stops at the size limit (--max-download-mb, default 100 MiB);
 *   - must announce a fitting content type (an HTML error page is refused before its body is read);
 *   - must decode (the caller's `verify`) before it is renamed into the cache - nothing that was
 *     refused is ever kept.
 * The cache entry (`downloads/<sha256(url)>.json`) records the server's validators (ETag,
 * Last-Modified): a later run asks the server whether the file changed (304 keeps it, 200 replaces
 * it), a copy without validators is kept until `--fresh`, and a cached copy that no longer decodes
 * is fetched again. When the server cannot be reached or fails (5xx), the verified copy is used.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { sha256File } from '../cache/clip-key';
import { contentHash } from '../cache/content-hash';
import { StillmotionError } from '../errors';
import { tempPathFor, writeFileAtomic } from '../fs/atomic-write';
import { guardedGet, RefusedUrlError, type GuardedGetOptions, type GuardedResponse } from '../net/guarded-get';
import { resolveInputPolicy, type InputPolicy } from '../net/input-policy';
import { probeImage } from './probe-image';

export function isUrl(ref: string): boolean {
  return /^https?:\/\//i.test(ref);
}

export type RemoteKind = 'image' | 'audio';

export interface FetchRemoteOptions<T> {
  cacheDir: string;
  /** Names the input in messages (the reference as the plan wrote it). */
  label: string;
  kind: RemoteKind;
  /** Decodes the downloaded file (throws when it does not); nothing is cached before it passes. */
  verify: (file: string) => Promise<T>;
  /** Address policy and size limit (default: from the environment). */
  policy?: Pick<InputPolicy, 'allowLocalUrls' | 'maxDownloadBytes'>;
  /** Download again even when a verified copy is cached (`--fresh`). */
  fresh?: boolean;
  signal?: AbortSignal;
  /** The whole download, redirects included (default 5 minutes). */
  timeoutMs?: number;
  /** Tests: a stub resolver (and where checked addresses are dialled). */
  net?: Pick<GuardedGetOptions, 'resolve' | 'dial' | 'idleTimeoutMs'>;
}

export interface FetchedFile<T> {
  file: string;
  facts: T;
}

/** The server could not be asked (offline, DNS, connection refused, timeout): a verified cached copy may stand in. */
class UnreachableError extends StillmotionError {}

interface DownloadEntry {
  url: string;
  /** File name inside downloads/ (content-addressed, so a new version never overwrites one in use). */
  file: string;
  bytes: number;
  contentType?: string;
  etag?: string;
  lastModified?: string;
}

/** Content types each kind accepts; a generic binary type (or none) is judged by decoding alone. */
const ACCEPTED: Record<RemoteKind, RegExp> = {
  image: /^image\//,
  audio: /^(audio\/|video\/|application\/ogg$)/,
};
const GENERIC = /^(application|binary)\/octet-stream$/;

const EXT_BY_TYPE: Record<string, string> = {
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/webp': '.webp',
  'image/gif': '.gif',
  'image/avif': '.avif',
  'image/tiff': '.tiff',
  'image/svg+xml': '.svg',
  'audio/mpeg': '.mp3',
  'audio/wav': '.wav',
  'audio/x-wav': '.wav',
  'audio/wave': '.wav',
  'audio/ogg': '.ogg',
  'audio/flac': '.flac',
  'audio/aac': '.aac',
  'audio/mp4': '.m4a',
  'video/mp4': '.mp4',
};

function contentTypeOf(res: GuardedResponse): string | undefined {
  return res.headers['content-type']?.split(';')[0]?.trim().toLowerCase() || undefined;
}

function extensionFor(url: string, type: string | undefined): string {
  if (type && EXT_BY_TYPE[type]) return EXT_BY_TYPE[type];
  const ext = path.extname(new URL(url).pathname).toLowerCase();
  return /^\.[a-z0-9]{1,5}$/.test(ext) ? ext : '.bin';
}

async function readEntry(dir: string, metaPath: string, url: string): Promise<(DownloadEntry & { path: string }) | null> {
  try {
    const e = JSON.parse(await fs.readFile(metaPath, 'utf8')) as DownloadEntry;
    if (e.url !== url || typeof e.file !== 'string' || path.basename(e.file) !== e.file) return null;
    const file = path.join(dir, e.file);
    if ((await fs.stat(file)).size !== e.bytes) return null;
    return { ...e, path: file };
  } catch {
    return null;
  }
}

/** Removes older versions of one URL's download (and files of the old, unverified cache layout). */
async function removeOtherVersions(dir: string, key: string, keep: string[]): Promise<void> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.startsWith(key) && !keep.includes(n)).map((n) => fs.rm(path.join(dir, n), { force: true })));
}

/** Downloads `url` (or revalidates the cached copy) and returns the verified local file with what `verify` found. */
export async function fetchVerified<T>(url: string, o: FetchRemoteOptions<T>): Promise<FetchedFile<T>> {
  const policy = o.policy ?? resolveInputPolicy();
  const dir = path.join(path.resolve(o.cacheDir), 'downloads');
  const key = contentHash(url);
  const metaPath = path.join(dir, `${key}.json`);
  const timeout = AbortSignal.timeout(o.timeoutMs ?? 300_000);
  const signal = o.signal ? AbortSignal.any([o.signal, timeout]) : timeout;
  const fail = (message: string): StillmotionError => new StillmotionError(`${o.label}: cannot download ${url}: ${message}`);
  const get = async (headers: Record<string, string>): Promise<GuardedResponse> => {
    try {
      return await guardedGet(url, { ...o.net, allowLocal: policy.allowLocalUrls, headers, signal });
    } catch (err) {
      if (o.signal?.aborted) throw o.signal.reason ?? err;
      if (err instanceof RefusedUrlError) throw fail(err.message);
      throw new UnreachableError(fail(timeout.aborted ? 'timed out' : (err as Error).message).message);
    }
  };
  const verifyCached = (file: string): Promise<T | null> => o.verify(file).catch(() => null);

  let answer: GuardedResponse | null = null;
  const cached = o.fresh ? null : await readEntry(dir, metaPath, url);
  if (cached) {
    const validators: Record<string, string> = {
      ...(cached.etag ? { 'if-none-match': cached.etag } : {}),
      ...(cached.lastModified ? { 'if-modified-since': cached.lastModified } : {}),
    };
    if (!Object.keys(validators).length) {
      // Nothing to ask the server with: the verified copy stands until --fresh.
      const facts = await verifyCached(cached.path);
      if (facts) return { file: cached.path, facts };
    } else {
      try {
        answer = await get(validators);
      } catch (err) {
        // Server unreachable: the copy that verified before is still good (stale-if-error).
        if (err instanceof UnreachableError) {
          const facts = await verifyCached(cached.path);
          if (facts) return { file: cached.path, facts };
        }
        throw err;
      }
      if (answer.status === 304 || answer.status >= 500) {
        answer.discard();
        const facts = await verifyCached(cached.path);
        if (facts) return { file: cached.path, facts };
        answer = null; // the cached copy is damaged: fetch it whole
      }
    }
  }
  answer ??= await get({});
  if (answer.status !== 200) {
    answer.discard();
    throw fail(`HTTP ${answer.status}`);
  }
  const type = contentTypeOf(answer);
  if (type && !ACCEPTED[o.kind].test(type) && !GENERIC.test(type)) {
    answer.discard();
    throw fail(`the server sent ${type}, not ${o.kind === 'image' ? 'an image' : 'audio'}`);
  }

  await fs.mkdir(dir, { recursive: true });
  const ext = extensionFor(answer.url, type);
  const tmp = tempPathFor(path.join(dir, `${key}${ext}`));
  try {
    const bytes = await answer.saveTo(tmp, policy.maxDownloadBytes).catch((err: unknown) => {
      if (o.signal?.aborted) throw o.signal.reason ?? err;
      throw fail(timeout.aborted ? 'timed out' : (err as Error).message);
    });
    if (bytes === 0) throw fail('the server sent an empty body');
    let facts: T;
    try {
      facts = await o.verify(tmp);
    } catch (err) {
      const message = (err as Error).message;
      const why = message.startsWith(`${o.label}: `) ? message.slice(o.label.length + 2) : message;
      throw fail(`what the server sent (${type ?? 'no content type'}, ${bytes} bytes) does not decode: ${why}`);
    }
    const name = `${key}-${(await sha256File(tmp)).slice(0, 16)}${ext}`;
    const file = path.join(dir, name);
    await fs.rename(tmp, file);
    const entry: DownloadEntry = {
      url,
      file: name,
      bytes,
      ...(type ? { contentType: type } : {}),
      ...(typeof answer.headers.etag === 'string' ? { etag: answer.headers.etag } : {}),
      ...(typeof answer.headers['last-modified'] === 'string' ? { lastModified: answer.headers['last-modified'] } : {}),
    };
    await writeFileAtomic(metaPath, `${JSON.stringify(entry, null, 2)}\n`);
    await removeOtherVersions(dir, key, [name, `${key}.json`]);
    return { file, facts };
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

/** An image URL as a verified local file (used where only the file is needed). */
export async function fetchToCache(url: string, cacheDir: string, label: string, opts: Pick<FetchRemoteOptions<unknown>, 'policy' | 'fresh' | 'signal' | 'net'> = {}): Promise<string> {
  return (await fetchVerified(url, { ...opts, cacheDir, label, kind: 'image', verify: (f) => probeImage(f, label) })).file;
}
