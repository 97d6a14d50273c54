/**
 * The stem of every file a render writes into its output folder (`<stem>-16x9.mp4`,
 * `<stem>.plan.json`, `<stem>.timeline.json` ...): a given `--name`, or the plan title as a slug.
 * A stem is one file name, never a path, so nothing is written outside the output folder; and it
 * is short enough that the longest derived name, plus its temporary twin, fits the 255-byte limit
 * of common file systems.
 */
import { createHash } from 'node:crypto';
import { StillmotionError } from '../errors';

/** Longest stem in bytes: leaves room for `.storyboard.png` and a temp file's `.<pid>.<hex>.tmp` around it. */
export const MAX_STEM_BYTES = 120;
/** Hex digits of the hash a shortened slug ends with (keeps two long titles that share a start apart). */
const HASH_DIGITS = 8;

/**
 * A lower-case ASCII slug of a title: `Café at Dawn!` -> `cafe-at-dawn`. A slug longer than
 * MAX_STEM_BYTES is cut at a word boundary and ends with a short hash of the whole slug, so it stays
 * readable and two long titles never share a name.
 */
export function slugify(s: string): string {
  const slug = s.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'video';
  if (slug.length <= MAX_STEM_BYTES) return slug;
  const hash = createHash('sha256').update(slug).digest('hex').slice(0, HASH_DIGITS);
  const room = MAX_STEM_BYTES - HASH_DIGITS - 1;
  let head = slug.slice(0, room);
  const boundary = head.lastIndexOf('-');
  // Cut at the last word boundary unless that would throw away most of the room (one very long word).
  if (boundary >= room / 2) head = head.slice(0, boundary);
  return `${head.replace(/-+$/, '')}-${hash}`;
}

/** A `--name` checked to be a plain file name (no folders, no control characters) short enough for every derived file. */
export function checkNameOption(name: string): string {
  if (name.trim() === '' || name === '.' || name === '..' || /[/\\]/.test(name)) {
    throw new StillmotionError(`--name: a file name stem without folders, written inside --out (got "${name}")`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(name)) throw new StillmotionError(`--name: control characters are not allowed in a file name (got ${JSON.stringify(name)})`);
  const bytes = Buffer.byteLength(name);
  if (bytes > MAX_STEM_BYTES) throw new StillmotionError(`--name: at most ${MAX_STEM_BYTES} bytes, so every output file name fits (got ${bytes})`);
  return name;
}

/** The output stem: `--name` (checked), else the title's slug. */
export function outputStem(name: string | undefined, title: string): string {
  return name === undefined ? slugify(title) : checkNameOption(name);
}
