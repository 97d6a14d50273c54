/** Minimal HS256 JWTs (Kling's API auth) with node:crypto. */
import { createHmac, timingSafeEqual } from 'node:crypto';

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

function signHs256(payload: Record<string, unknown>, secret: string): string {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(payload));
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

/** Verifies signature and nbf/exp; returns the header and payload, or throws. */
export function verifyHs256(token: string, secret: string, nowSec = Math.floor(Date.now() / 1000)): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('not a JWT');
  const [h, p, s] = parts as [string, string, string];
  const expected = createHmac('sha256', secret).update(`${h}.${p}`).digest();
  const got = Buffer.from(s, 'base64url');
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) throw new Error('bad signature');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>;
  if (header.alg !== 'HS256') throw new Error('unexpected alg');
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
  if (typeof payload.exp === 'number' && nowSec >= payload.exp) throw new Error('expired');
  if (typeof payload.nbf === 'number' && nowSec < payload.nbf) throw new Error('not yet valid');
  return { header, payload };
}

/** Kling token: iss = access key, valid 30 min, from 5 s ago. */
export function klingToken(accessKey: string, secretKey: string, nowSec = Math.floor(Date.now() / 1000)): string {
  return signHs256({ iss: accessKey, exp: nowSec + 1800, nbf: nowSec - 5 }, secretKey);
}
