/** A contact sheet to look at: the image, its depth map, and each layer over a checkerboard, labelled. */
import sharp from 'sharp';
import type { RgbImage } from '../depth/image-io';

const TILE = 320;
const LABEL_H = 22;
const GAP = 6;

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Downscaled raw tile (RGB, or RGBA when channels = 4). */
async function tile(data: Uint8Array, w: number, h: number, channels: 1 | 3 | 4, tw: number, th: number): Promise<Uint8Array> {
  const kernel = tw < w ? 'lanczos3' : 'nearest';
  let img = sharp(data, { raw: { width: w, height: h, channels } }).resize(tw, th, { fit: 'fill', kernel });
  if (channels === 1) img = img.toColourspace('srgb');
  const buf = await img.raw().toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

export async function contactSheet(
  image: RgbImage,
  depth: { data: Float32Array; width: number; height: number },
  layers: { rgba: Uint8Array; label: string }[],
): Promise<Buffer> {
  const { width: w, height: h } = image;
  const s = Math.min(TILE / w, TILE / h);
  const tw = Math.max(1, Math.round(w * s));
  const th = Math.max(1, Math.round(h * s));
  const g = new Uint8Array(depth.width * depth.height);
  for (let i = 0; i < g.length; i++) g[i] = Math.round(Math.min(1, Math.max(0, depth.data[i]!)) * 255);
  const [imgTile, depthTile, ...layerTiles] = await Promise.all([
    tile(image.rgb, w, h, 3, tw, th),
    tile(g, depth.width, depth.height, 1, tw, th),
    ...layers.map((l) => tile(l.rgba, w, h, 4, tw, th)),
  ]);
  const tiles: { rgb: Uint8Array; label: string }[] = [
    { rgb: imgTile!, label: 'image' },
    { rgb: depthTile!, label: 'depth (near = bright)' },
  ];
  layers.forEach((l, k) => {
    const t = layerTiles[k]!;
    const rgb = new Uint8Array(tw * th * 3);
    for (let y = 0; y < th; y++) {
      for (let x = 0; x < tw; x++) {
        const i = y * tw + x;
        const bg = ((x >> 3) ^ (y >> 3)) & 1 ? 200 : 120;
        const a = t[i * 4 + 3]! / 255;
        for (let c = 0; c < 3; c++) rgb[i * 3 + c] = t[i * 4 + c]! * a + bg * (1 - a) + 0.5;
      }
    }
    tiles.push({ rgb, label: l.label });
  });
  const cols = Math.min(tiles.length, 3);
  const rows = Math.ceil(tiles.length / cols);
  const W = cols * tw + (cols + 1) * GAP;
  const H = rows * (th + LABEL_H) + (rows + 1) * GAP;
  const canvas = new Uint8Array(W * H * 3);
  for (let i = 0; i < W * H * 3; i += 3) {
    canvas[i] = 32;
    canvas[i + 1] = 32;
    canvas[i + 2] = 36;
  }
  const labels: string[] = [];
  tiles.forEach((t, i) => {
    const left = GAP + (i % cols) * (tw + GAP);
    const top = GAP + Math.floor(i / cols) * (th + LABEL_H + GAP);
    for (let y = 0; y < th; y++) canvas.set(t.rgb.subarray(y * tw * 3, (y + 1) * tw * 3), ((top + y) * W + left) * 3);
    labels.push(`<text x="${left + 2}" y="${top + th + LABEL_H - 6}" font-family="sans-serif" font-size="14" fill="#eee">${escapeXml(t.label)}</text>`);
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${labels.join('')}</svg>`;
  return sharp(canvas, { raw: { width: W, height: H, channels: 3 } })
    .composite([{ input: Buffer.from(svg), left: 0, top: 0 }])
    .png({ compressionLevel: 6 })
    .toBuffer();
}
