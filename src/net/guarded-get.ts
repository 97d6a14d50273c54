/**
 * HTTP(S) GET for URLs written in plans and stories, which may come from someone else:
 *   - the host is resolved first and every address it resolves to is checked (address-policy);
 *     the connection then goes to exactly those checked addresses (a `lookup` that hands back the
 *     checked list), so a DNS answer that changes between check and connect cannot sneak in;
 *   - redirects are followed by hand, each hop checked the same way, at most `maxRedirects` hops;
 *   - the body streams to a file and stops past a byte limit (never held in memory);
 *   - no compression is asked for, so the limit counts the bytes that are stored.
 */
import { createWriteStream } from 'node:fs';
import { lookup as dnsLookup } from 'node:dns/promises';
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StillmotionError } from '../errors';
import { addressRefusal } from './address-policy';
import { ENV_MAX_DOWNLOAD_MB } from './input-policy';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Host name -> every address it has (the system resolver unless a test injects one). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

const systemResolver: Resolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

export interface GuardedGetOptions {
  /** Loopback and private addresses may be reached (link-local and metadata never). */
  allowLocal: boolean;
  headers?: Record<string, string>;
  /** Redirect hops followed (default 5). */
  maxRedirects?: number;
  /** No bytes for this long ends the request (default 30 s). */
  idleTimeoutMs?: number;
  signal?: AbortSignal;
  resolve?: Resolver;
  /**
   * Where a checked address is actually dialled. Tests use it to route a public address they made
   * up to their server on 127.0.0.1 (there is no other network in tests); the check itself always
   * sees the resolved address. Left out, the checked address is dialled.
   */
  dial?: (checked: ResolvedAddress) => ResolvedAddress;
}

export interface GuardedResponse {
  status: number;
  /** The URL that answered (after redirects). */
  url: string;
  headers: IncomingHttpHeaders;
  /** Streams the body into `file`; past `maxBytes` it stops (the caller removes the file). Returns the byte count. */
  saveTo(file: string, maxBytes: number): Promise<number>;
  /** Drops the body and closes the connection. */
  discard(): void;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The URL (or a redirect) goes where the policy does not let it: no cached copy may stand in for it either. */
export class RefusedUrlError extends StillmotionError {}

function httpUrl(ref: string): URL {
  let u: URL;
  try {
    u = new URL(ref);
  } catch {
    throw new StillmotionError(`not a valid URL: ${ref}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new RefusedUrlError(`only http and https URLs are fetched (got ${u.protocol})`);
  return u;
}

/** Resolves the URL's host and checks every address; throws before any connection when one is refused. */
async function checkedAddresses(u: URL, allowLocal: boolean, resolve: Resolver = systemResolver): Promise<ResolvedAddress[]> {
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const literal = isIP(host);
  if (literal) {
    const refusal = addressRefusal(host, allowLocal);
    if (refusal) throw new RefusedUrlError(`refused ${u.host}: ${refusal}`);
    return [{ address: host, family: literal === 6 ? 6 : 4 }];
  }
  let list: ResolvedAddress[];
  try {
    list = await resolve(host);
  } catch (err) {
    throw new StillmotionError(`cannot resolve ${host}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!list.length) throw new StillmotionError(`cannot resolve ${host}: no addresses`);
  // One bad address refuses the host: which one the connection would use is not ours to choose.
  for (const a of list) {
    const refusal = addressRefusal(a.address, allowLocal);
    if (refusal) throw new RefusedUrlError(`refused ${u.host}: it resolves to ${a.address}, ${refusal}`);
  }
  return list;
}

function requestOnce(u: URL, addresses: ResolvedAddress[], opts: GuardedGetOptions): Promise<IncomingMessage> {
  const dialled = addresses.map((a) => (opts.dial ? opts.dial(a) : a));
  // Hands the socket the addresses checked above instead of asking DNS again.
  const lookup = ((_host: string, options: { all?: boolean }, cb: (err: Error | null, address: unknown, family?: number) => void) => {
    if (options?.all) cb(null, dialled);
    else cb(null, dialled[0]!.address, dialled[0]!.family);
  }) as unknown as LookupFunction;
  const idle = opts.idleTimeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const req = (u.protocol === 'https:' ? https : http).request(u, {
      method: 'GET',
      agent: false,
      lookup,
      signal: opts.signal,
      headers: { 'accept-encoding': 'identity', 'user-agent': 'stillmotion', ...opts.headers },
    });
    req.setTimeout(idle, () => req.destroy(new Error(`no data for ${Math.round(idle / 1000)} s`)));
    req.once('response', resolve);
    req.once('error', reject);
    req.end();
  });
}

function tooLarge(maxBytes: number, got: string): StillmotionError {
  return new StillmotionError(
    `${got} is more than the download limit of ${+(maxBytes / 1024 / 1024).toFixed(2)} MiB (raise it with --max-download-mb or ${ENV_MAX_DOWNLOAD_MB})`,
  );
}

/** GETs a URL from a plan under the address policy; the caller decides what to do with the answer. */
export async function guardedGet(url: string, opts: GuardedGetOptions): Promise<GuardedResponse> {
  const maxRedirects = opts.maxRedirects ?? 5;
  let u = httpUrl(url);
  for (let hop = 0; ; hop++) {
    let addresses: ResolvedAddress[];
    try {
      addresses = await checkedAddresses(u, opts.allowLocal, opts.resolve);
    } catch (err) {
      if (!hop || !(err instanceof RefusedUrlError)) throw err;
      throw new RefusedUrlError(`redirected to ${u.href}: ${err.message}`);
    }
    let res: IncomingMessage;
    try {
      res = await requestOnce(u, addresses, opts);
    } catch (err) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? err;
      throw new StillmotionError(`${(err as NodeJS.ErrnoException).code ?? (err as Error).message}${hop ? ` (at ${u.href})` : ''}`);
    }
    const status = res.statusCode ?? 0;
    if (REDIRECTS.has(status) && res.headers.location) {
      res.destroy();
      if (hop >= maxRedirects) throw new RefusedUrlError(`more than ${maxRedirects} redirects`);
      let next: URL;
      try {
        next = httpUrl(new URL(res.headers.location, u).href);
      } catch (err) {
        throw new RefusedUrlError(`redirect from ${u.href}: ${(err as Error).message}`);
      }
      u = next;
      continue;
    }
    return {
      status,
      url: u.href,
      headers: res.headers,
      discard: () => res.destroy(),
      saveTo: async (file, maxBytes) => {
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxBytes) {
          res.destroy();
          throw tooLarge(maxBytes, `the server announces ${declared} bytes, which`);
        }
        let bytes = 0;
        const cap = new Transform({
          transform(chunk: Buffer, _enc, cb) {
            bytes += chunk.length;
            if (bytes > maxBytes) cb(tooLarge(maxBytes, 'the body'));
            else cb(null, chunk);
          },
        });
        try {
          await pipeline(res, cap, createWriteStream(file));
        } catch (err) {
          if (err instanceof StillmotionError) throw err;
          if (opts.signal?.aborted) throw opts.signal.reason ?? err;
          throw new StillmotionError(`download broke off after ${bytes} bytes: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
        return bytes;
      },
    };
  }
}
