/** The cache key of a tier-3 clip: everything that changes the generated video, image by its bytes. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { contentHash } from './content-hash';

export interface ClipKeyParts {
  imageBytes: Uint8Array;
  prompt: string;
  seed?: number | null;
  tier: number;
  provider: string;
  model: string;
  durationSec: number;
  aspect: string;
}

export function clipCacheKey(p: ClipKeyParts): string {
  return contentHash('stillmotion-clip-v1', {
    image: p.imageBytes,
    prompt: p.prompt,
    seed: p.seed ?? null,
    tier: p.tier,
    provider: p.provider,
    model: p.model,
    duration: p.durationSec,
    aspect: p.aspect,
  });
}

/** Plain hex sha256 of a file's bytes (what entries are verified against on read). */
export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}
