/**
 * What a batch output was made from: the validated plan (defaults applied, so reformatting the
 * file changes nothing), the bytes of every image and audio file it uses, and the render settings.
 * An output whose hash still matches is up to date and is skipped; any edit renders it again.
 * (Stillmotion's own code is not part of it: use `batch --force` after upgrading.)
 */
import { sha256File } from '../cache/clip-key';
import { contentHash, type HashPart } from '../cache/content-hash';
import type { LoadedPlan } from '../plan/load-plan';

export async function planInputHash(loaded: LoadedPlan, settings: HashPart): Promise<string> {
  const files = async (record: Record<string, { file: string }>): Promise<Record<string, string>> =>
    Object.fromEntries(await Promise.all(Object.entries(record).map(async ([ref, x]) => [ref, await sha256File(x.file)] as const)));
  const { $schema: _schema, ...plan } = loaded.plan;
  return contentHash('batch-input-v1', JSON.parse(JSON.stringify(plan)) as HashPart, await files(loaded.images), await files(loaded.audio), settings);
}
