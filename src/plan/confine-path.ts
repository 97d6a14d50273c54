/**
 * File references in a plan or story are resolved from its folder and must stay inside it (or inside
 * another folder the caller vouches for, such as the story folder `make` planned from): a plan
 * written by someone else must not read `../../../../etc/passwd`, an absolute path, or a file a
 * symbolic link inside the folder points out to. `--allow-outside-paths` lifts the rule.
 * Audio must not be a playlist either: ffmpeg follows an HLS playlist's entries to any file on the
 * machine (its protocol whitelist still allows file:), which would read around the folder rule.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StillmotionError } from '../errors';
import { ENV_ALLOW_OUTSIDE_PATHS } from '../net/input-policy';

export interface ConfineOptions {
  /** The policy's allowOutsidePaths. */
  allowOutside: boolean;
  /** Folders the file may be in; default: `baseDir` alone. */
  roots?: readonly string[];
  /** "plan" or "story": whose folder, in messages. */
  owner: string;
}

function isInside(file: string, root: string): boolean {
  const rel = path.relative(root, file);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

async function realOrSelf(p: string): Promise<string> {
  return fs.realpath(p).catch(() => p);
}

/** The absolute path of `ref` (relative to `baseDir`); throws naming the rule when it leaves the allowed folders. */
export async function resolveConfined(ref: string, baseDir: string, o: ConfineOptions): Promise<string> {
  const file = path.resolve(baseDir, ref);
  if (o.allowOutside) return file;
  const allow = `keep the file in the ${o.owner}'s folder or allow it with --allow-outside-paths (${ENV_ALLOW_OUTSIDE_PATHS}=1)`;
  if (path.isAbsolute(ref) || /^[a-zA-Z]:[\\/]/.test(ref) || ref.startsWith('\\\\')) {
    throw new StillmotionError(`absolute path ${ref} is not allowed: ${allow}`);
  }
  const roots = (o.roots?.length ? o.roots : [baseDir]).map((r) => path.resolve(r));
  if (!roots.some((r) => isInside(file, r))) throw new StillmotionError(`${ref} is outside the ${o.owner}'s folder: ${allow}`);
  // A link inside the folder may still lead out of it: judge where it really is.
  const real = await realOrSelf(file);
  if (real !== file) {
    const realRoots = await Promise.all(roots.map(realOrSelf));
    if (!realRoots.some((r) => isInside(real, r))) throw new StillmotionError(`${ref} is a link to a file outside the ${o.owner}'s folder: ${allow}`);
  }
  return file;
}

/** Throws when an audio file is an HLS playlist (ffmpeg would read whatever files it lists). */
export async function refusePlaylist(file: string, ref: string): Promise<void> {
  const handle = await fs.open(file, 'r');
  try {
    const head = Buffer.alloc(64);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const text = head.subarray(0, bytesRead).toString('latin1').replace(/^\xEF\xBB\xBF/, '').trimStart();
    if (text.startsWith('#EXTM3U')) throw new StillmotionError(`${ref}: is a playlist (#EXTM3U), not audio: playlists are not accepted (they can pull in files from anywhere)`);
  } finally {
    await handle.close();
  }
}
