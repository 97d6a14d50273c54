/**
 * Drawing memory reused across segments (DrawScratchPool) and the background left undrawn under
 * an image that covers the frame: frames come out byte for byte as drawn with fresh memory, on a
 * real photograph (coffee.png, CC0) and a depth-layer-like RGBA picture.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrameDescription } from '../../src/frame/frame-description';
import { DirectImages, DrawScratch, DrawScratchPool, FrameDrawer } from '../../src/render/direct/draw-frame';
import { i420Frame, type YuvImage } from '../../src/render/direct/yuv-image';
import { tempDir } from '../helpers/fixtures';

const coffee = path.resolve('../shared/samples/images/coffee.png');
const W = 320;
const H = 180;
let dir: string;
let layer: string;

beforeAll(async () => {
  dir = await tempDir('stillmotion-scratch-');
  // A layer: the photo's left half opaque, a soft edge, the rest transparent.
  const meta = await sharp(coffee).metadata();
  const alpha = Buffer.alloc(meta.width! * meta.height!);
  for (let y = 0; y < meta.height!; y++) for (let x = 0; x < meta.width!; x++) alpha[y * meta.width! + x] = Math.max(0, Math.min(255, Math.round((meta.width! / 2 - x) * 8)));
  layer = path.join(dir, 'layer.png');
  await sharp(coffee).removeAlpha().joinChannel(alpha, { raw: { width: meta.width!, height: meta.height!, channels: 1 } }).png().toFile(layer);
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const rect = { x: 0, y: 0, w: 1, h: 1 };
/** The photo placed by a camera crop (a Ken Burns frame: covers the frame). */
const kenBurns = (zoom: number): FrameDescription => ({
  background: [0, 0, 0],
  crop: { x: 0.5 - 0.5 / zoom, y: 0.5 - 0.5 / zoom, w: 1 / zoom, h: 1 / zoom },
  items: [{ kind: 'image', src: coffee, width: 600, height: 400, rect, opacity: 1 }],
});
/** The photo small in the middle of a grey frame, a faded copy and a layer over it (background, faded copy and layer scratch all used). */
const composed = (): FrameDescription => ({
  background: [40, 60, 80],
  crop: { x: 0, y: 0, w: 1, h: 1 },
  items: [
    { kind: 'image', src: coffee, width: 600, height: 400, rect: { x: 0.25, y: 0.25, w: 0.5, h: 0.5 }, opacity: 1 },
    { kind: 'image', src: coffee, width: 600, height: 400, rect: { x: 0.1, y: 0.1, w: 0.4, h: 0.4 }, opacity: 0.5 },
    { kind: 'layer', src: layer, width: 600, height: 400, rect: { x: 0.3, y: 0.2, w: 0.6, h: 0.6 }, opacity: 1 },
  ],
});

function blankFrame(fill: number): YuvImage {
  return i420Frame(new Uint8Array(W * H * 1.5).fill(fill), W, H);
}

const bytes = (f: YuvImage): Buffer => Buffer.concat([f.y.data, f.u.data, f.v.data]);

async function drawFresh(d: FrameDescription, fill = 0): Promise<Buffer> {
  const drawer = new FrameDrawer({ fileFor: (u) => u, images: new DirectImages(), width: W, height: H, scale: 1, fps: 30 });
  const out = blankFrame(fill);
  await drawer.draw(d, out);
  drawer.close();
  return bytes(out);
}

describe('drawing memory reused across segments', () => {
  it('draws every frame as fresh memory does, whatever was drawn with it before', async () => {
    const pool = new DrawScratchPool();
    const images = new DirectImages();
    const results: Buffer[] = [];
    // Segment after segment, as renderSegmented draws them: each takes the pool's memory and gives it back.
    for (const d of [composed(), kenBurns(1.3), composed(), kenBurns(1.05)]) {
      const scratch = pool.take(W, H);
      const drawer = new FrameDrawer({ fileFor: (u) => u, images, width: W, height: H, scale: 1, fps: 30 }, scratch);
      const out = blankFrame(0);
      await drawer.draw(d, out);
      drawer.close();
      pool.give(scratch);
      results.push(bytes(out));
    }
    expect(results[0]!.equals(await drawFresh(composed()))).toBe(true);
    expect(results[1]!.equals(await drawFresh(kenBurns(1.3)))).toBe(true);
    expect(results[2]!.equals(results[0]!)).toBe(true);
    expect(results[3]!.equals(await drawFresh(kenBurns(1.05)))).toBe(true);
    // The frames differ from one another (the comparison is not of blank frames).
    expect(results[1]!.equals(results[3]!)).toBe(false);
  });

  it('hands the same memory back for the same size, other memory for another size', () => {
    const pool = new DrawScratchPool();
    const a = pool.take(W, H);
    pool.give(a);
    expect(pool.take(W, H)).toBe(a);
    const b = pool.take(W, H);
    expect(b).not.toBe(a);
    pool.give(a);
    expect(pool.take(H, W)).not.toBe(a);
    expect(() => new FrameDrawer({ fileFor: (u) => u, images: new DirectImages(), width: W, height: H, scale: 1, fps: 30 }, new DrawScratch(H, W))).toThrow(/scratch of 180x320/);
  });
});

describe('background under a covering image', () => {
  it('is left undrawn only where the image covers the whole frame', async () => {
    // Whatever the frame held before (a reused buffer), a covering image leaves nothing of it.
    expect((await drawFresh(kenBurns(1.2), 0)).equals(await drawFresh(kenBurns(1.2), 201))).toBe(true);
    // A smaller image leaves the background around it drawn, also over old contents.
    const small = await drawFresh(composed(), 201);
    expect(small.equals(await drawFresh(composed(), 0))).toBe(true);
    // The corner is the background colour (40, 60, 80) in Y'.
    expect(small[0]).toBe(Math.round(16 + 0.256788 * 40 + 0.504129 * 60 + 0.097906 * 80));
  });
});
