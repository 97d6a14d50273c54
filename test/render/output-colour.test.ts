/**
 * The joined output says what colours it is in: BT.601 matrix (what both Chromium's frames, via
 * Remotion's default, and Node's frames are converted with), limited range, BT.709 primaries and
 * transfer; in the H.264 sequence header and in the MP4's `colr` box, read here byte by byte.
 * The matrix claim itself is checked: a segment made the way Remotion encodes frames decodes to the
 * source colour with BT.601 and visibly off with BT.709 (what players assume for untagged HD).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTPUT_COLOUR } from '../../src/media/colour-tags';
import { runFf } from '../../src/media/ffmpeg';
import { probeVideo } from '../../src/media/probe-video';
import { joinSegments } from '../../src/render/segments/join-segments';

const SOURCE = { r: 224, g: 64, b: 32 };
let dir: string;
let segment: string;

async function ff(args: string[]): Promise<Buffer> {
  const r = await runFf('ffmpeg', ['-hide_banner', '-v', 'error', ...args]);
  if (r.code !== 0) throw new Error(r.stderr);
  return r.stdout;
}

/** The first pixel of the first frame, decoded to RGB with the given matrix. */
async function firstPixel(file: string, matrix: 'bt601' | 'bt709'): Promise<number[]> {
  const png = await ff(['-i', file, '-frames:v', '1', '-vf', `scale=in_color_matrix=${matrix}:in_range=tv`, '-f', 'image2pipe', '-c:v', 'png', 'pipe:1']);
  const { data } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return [data[0]!, data[1]!, data[2]!];
}

/** The `nclx` payload of the first `colr` box: primaries, transfer, matrix (16 bits each), full-range bit. */
function colrBox(mp4: Buffer): { primaries: number; transfer: number; matrix: number; fullRange: number } | null {
  const at = mp4.indexOf('colrnclx', 0, 'latin1');
  if (at < 0) return null;
  const p = at + 8;
  return { primaries: mp4.readUInt16BE(p), transfer: mp4.readUInt16BE(p + 2), matrix: mp4.readUInt16BE(p + 4), fullRange: mp4[p + 6]! >> 7 };
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'stillmotion-colour-'));
  const png = path.join(dir, 'orange.png');
  await sharp({ create: { width: 320, height: 240, channels: 3, background: SOURCE } }).png().toFile(png);
  segment = path.join(dir, 'segment.mp4');
  // As Remotion encodes Chromium's frames with its default colour space: no colour arguments.
  await ff(['-loop', '1', '-framerate', '30', '-i', png, '-t', '0.2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-preset', 'veryfast', '-y', segment]);
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('output colour tags', () => {
  it('frames are BT.601: decoded that way they are the source colour, as BT.709 they are not', async () => {
    const as601 = await firstPixel(segment, 'bt601');
    const as709 = await firstPixel(segment, 'bt709');
    const off = (px: number[]): number => Math.max(...px.map((v, i) => Math.abs(v - [SOURCE.r, SOURCE.g, SOURCE.b][i]!)));
    expect(off(as601)).toBeLessThanOrEqual(3);
    expect(off(as709)).toBeGreaterThanOrEqual(8);
    expect((await probeVideo(segment)).colour.matrix).toBe('unknown'); // what Remotion leaves
  });

  it('the joined output carries the tags in the stream and in the colr box, frames unchanged', async () => {
    const out = path.join(dir, 'joined.mp4');
    await joinSegments([segment, segment], null, out);
    const facts = await probeVideo(out, { countFrames: true });
    expect(facts.frames).toBe(12);
    expect(facts.colour).toEqual({ matrix: 'smpte170m', primaries: 'bt709', transfer: 'bt709', range: 'tv' });
    expect(colrBox(await fs.readFile(out))).toEqual({
      primaries: OUTPUT_COLOUR.primaries.code,
      transfer: OUTPUT_COLOUR.transfer.code,
      matrix: OUTPUT_COLOUR.matrix.code,
      fullRange: OUTPUT_COLOUR.range.fullRange,
    });
    // Stream copy: the pictures are bit-identical to the segment's.
    const frame = async (f: string): Promise<Buffer> =>
      sharp(await ff(['-i', f, '-frames:v', '1', '-vf', 'scale=in_color_matrix=bt601:in_range=tv', '-f', 'image2pipe', '-c:v', 'png', 'pipe:1'])).raw().toBuffer();
    expect((await frame(out)).equals(await frame(segment))).toBe(true);
  });
});
