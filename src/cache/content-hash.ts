/**
 * Content addressing: a stable sha256 over bytes and parameters. Everything Stillmotion caches
 * (pre-scaled images, depth maps, layers, provider clips, render segments) is keyed with this.
 */
import { createHash } from 'node:crypto';

export type HashPart = string | number | boolean | null | undefined | Uint8Array | HashPart[] | { [key: string]: HashPart };

function feed(h: ReturnType<typeof createHash>, part: HashPart): void {
  if (part instanceof Uint8Array) {
    h.update(`b${part.byteLength}:`);
    h.update(part);
  } else if (Array.isArray(part)) {
    h.update(`a${part.length}[`);
    for (const p of part) feed(h, p);
    h.update(']');
  } else if (part !== null && typeof part === 'object') {
    const keys = Object.keys(part).sort();
    h.update(`o${keys.length}{`);
    for (const k of keys) {
      h.update(`${JSON.stringify(k)}=`);
      feed(h, part[k]);
    }
    h.update('}');
  } else {
    const s = JSON.stringify(part ?? null);
    h.update(`s${s.length}:${s}`);
  }
}

/** Hex sha256 of the given parts; object keys are sorted so key order never changes the hash. */
export function contentHash(...parts: HashPart[]): string {
  const h = createHash('sha256');
  for (const p of parts) feed(h, p);
  return h.digest('hex');
}
