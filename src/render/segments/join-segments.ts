/**
 * Joins rendered segments (H.264, same encoder settings) and the soundtrack into one MP4 without
 * re-encoding: ffmpeg's concat demuxer for the video, the audio stream copied beside it, the video
 * tagged with the colours it is in (src/media/colour-tags.ts).
 * The concat demuxer reports a segment it cannot open or read ("Impossible to open") and still
 * exits 0 with a shorter video, so anything ffmpeg reports at error level fails the join.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StillmotionError } from '../../errors';
import { colourTagArgs } from '../../media/colour-tags';
import { runFf } from '../../media/ffmpeg';

function concatLine(file: string): string {
  return `file '${path.resolve(file).replace(/'/g, "'\\''")}'`;
}

export async function joinSegments(videoFiles: string[], audioFile: string | null, outputLocation: string, signal?: AbortSignal): Promise<void> {
  if (videoFiles.length === 0) throw new StillmotionError('nothing to join: no video segments');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'stillmotion-join-'));
  try {
    const list = path.join(dir, 'segments.txt');
    await fs.writeFile(list, `ffconcat version 1.0\n${videoFiles.map(concatLine).join('\n')}\n`);
    const args = ['-hide_banner', '-loglevel', 'error', '-xerror', '-f', 'concat', '-safe', '0', '-i', list];
    if (audioFile) args.push('-i', audioFile);
    args.push('-map', '0:v:0');
    if (audioFile) args.push('-map', '1:a:0');
    args.push('-c', 'copy', ...colourTagArgs(), '-movflags', '+faststart', '-f', 'mp4', '-y', outputLocation);
    const r = await runFf('ffmpeg', args, { signal });
    const errors = r.stderr.trim();
    if (r.code !== 0 || errors) {
      throw new StillmotionError(`could not join ${videoFiles.length} segments into ${outputLocation} (ffmpeg exit ${r.code}): ${errors.split('\n').slice(0, 2).join(' ')}`);
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
