/**
 * What a cached segment (or soundtrack) was when it was written: its size, its content hash and
 * what it holds. Kept beside it as `<file>.json`, written before the file itself is renamed into
 * place, so a cached file without a matching record is never trusted. A segment is reused only
 * while its bytes still hash to the record: a truncated file, flipped bits or a file copied over
 * it are found before the join, and the segment is rendered again.
 */
import { promises as fs } from 'node:fs';
import { sha256File } from '../../cache/clip-key';
import { writeFileAtomic } from '../../fs/atomic-write';
import { checkMedia, type ExpectedMedia } from '../check-video';

export interface SegmentRecord {
  version: 1;
  bytes: number;
  sha256: string;
  /** Video frames (null for a soundtrack). */
  frames: number | null;
  seconds: number;
}

export function recordFileFor(file: string): string {
  return `${file}.json`;
}

/**
 * Checks a freshly rendered file (at `tmp`, not yet renamed to `file`) against what it was meant
 * to hold and records its hash. Throws when the renderer wrote something else.
 */
export async function recordSegment(file: string, tmp: string, expected: ExpectedMedia): Promise<SegmentRecord> {
  const counts = await checkMedia(tmp, expected, `rendering ${file}`);
  const record: SegmentRecord = {
    version: 1,
    bytes: (await fs.stat(tmp)).size,
    sha256: await sha256File(tmp),
    frames: counts.frames,
    seconds: counts.videoSeconds ?? counts.audioSeconds ?? 0,
  };
  await writeFileAtomic(recordFileFor(file), `${JSON.stringify(record)}\n`);
  return record;
}

/**
 * missing: not cached. unrecorded: cached without a record (written by a version before records,
 * or the record was deleted): not trusted, rendered again without alarm. damaged: it or its record
 * is not what was written.
 */
export type CachedState = { state: 'missing' | 'unrecorded' | 'ok' } | { state: 'damaged'; reason: string };

/** Whether a cached file can be reused: there, and byte for byte what was recorded when it was written. */
export async function checkCachedSegment(file: string): Promise<CachedState> {
  const st = await fs.stat(file).catch(() => null);
  if (!st?.isFile()) return { state: 'missing' };
  const text = await fs.readFile(recordFileFor(file), 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (text === null) return { state: 'unrecorded' };
  let record: Partial<SegmentRecord> | null = null;
  try {
    record = JSON.parse(text) as Partial<SegmentRecord>;
  } catch {
    // reported below
  }
  if (record?.version !== 1 || typeof record.sha256 !== 'string') return { state: 'damaged', reason: `its record ${recordFileFor(file)} is unreadable` };
  if (st.size !== record.bytes) return { state: 'damaged', reason: `it is ${st.size} bytes, ${record.bytes} when it was written` };
  if ((await sha256File(file)) !== record.sha256) return { state: 'damaged', reason: 'its content hash differs from the one recorded when it was written' };
  return { state: 'ok' };
}
