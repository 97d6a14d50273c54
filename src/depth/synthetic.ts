/**
 * Generated scenes with known depth, for tests and the depth benchmark: a textured ground plane seen in
 * perspective (texture gets finer and hazier with distance), objects standing at known distances, and sky.
 */
import sharp from 'sharp';
import type { RgbImage } from './image-io';
import { gaussBlur } from './ops';
import { mulberry32 } from '../random/mulberry32';

export interface SceneObject {
  /** Lateral position in metres (0 = centre line). */
  x: number;
  /** Distance in metres. */
  z: number;
  /** Size in metres. */
  width: number;
  height: number;
  rgb: [number, number, number];
}

export interface SceneOptions {
  width: number;
  height: number;
  seed?: number;
  /** Horizon row as share of the height (0.3..0.6). */
  horizon?: number;
  /** Distance (m) at which haze covers 63% of the colour. */
  hazeDistance?: number;
  objects?: SceneObject[];
  /** Blur far things (a shallow depth of field focused near). */
  defocus?: boolean;
}

export interface Scene extends RgbImage {
  /** True nearness per pixel: 1 / distance in metres (sky = 0). */
  nearness: Float32Array;
}

function hash2(ix: number, iy: number, seed: number): number {
  let h = Math.imul(ix, 374761393) + Math.imul(iy, 668265263) + Math.imul(seed, 1442695041);
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

function valueNoise(x: number, y: number, seed: number): number {
  const ix = Math.floor(x);
  const iy = Math.floor(y);
  const fx = x - ix;
  const fy = y - iy;
  const sx = fx * fx * (3 - 2 * fx);
  const sy = fy * fy * (3 - 2 * fy);
  const a = hash2(ix, iy, seed);
  const b = hash2(ix + 1, iy, seed);
  const c = hash2(ix, iy + 1, seed);
  const d = hash2(ix + 1, iy + 1, seed);
  return (a * (1 - sx) + b * sx) * (1 - sy) + (c * (1 - sx) + d * sx) * sy;
}

/** Default objects for a seed: 3-5 boxes/pillars at 4..60 m. */
export function randomObjects(seed: number): SceneObject[] {
  const rnd = mulberry32(seed * 7919 + 13);
  const count = 3 + Math.floor(rnd() * 3);
  const out: SceneObject[] = [];
  const palette: [number, number, number][] = [
    [200, 40, 40],
    [40, 90, 200],
    [230, 180, 30],
    [150, 60, 170],
    [30, 160, 150],
    [220, 110, 40],
  ];
  for (let k = 0; k < count; k++) {
    const z = 4 + rnd() ** 1.5 * 56;
    out.push({
      x: (rnd() - 0.5) * z * 0.9,
      z,
      width: 0.8 + rnd() * 2.5,
      height: 1 + rnd() * 3,
      rgb: palette[Math.floor(rnd() * palette.length)]!,
    });
  }
  return out;
}

export function generateScene(opts: SceneOptions): Scene {
  const { width: W, height: H } = opts;
  const seed = opts.seed ?? 1;
  const rnd = mulberry32(seed);
  const horizon = (opts.horizon ?? 0.35 + rnd() * 0.15) * H;
  const hazeZ = opts.hazeDistance ?? 40 + rnd() * 40;
  const f = W * 0.9;
  const camH = 1.6;
  const cx = W / 2;
  const objects = [...(opts.objects ?? randomObjects(seed))].sort((a, b) => b.z - a.z);
  const hazeRgb = [205, 215, 225];
  const grassA = [60 + rnd() * 40, 110 + rnd() * 40, 40 + rnd() * 20];
  const grassB = [120 + rnd() * 40, 100 + rnd() * 30, 60 + rnd() * 20];
  const rgbF = new Float32Array(W * H * 3);
  const near = new Float32Array(W * H);
  const SS = 2;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const o = (y * W + x) * 3;
      let r = 0;
      let g = 0;
      let b = 0;
      let zc = Infinity;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const px = x + (sx + 0.5) / SS;
          const py = y + (sy + 0.5) / SS;
          let col: number[];
          let z = Infinity;
          if (py > horizon + 0.5) {
            z = Math.min(400, (f * camH) / (py - horizon));
            const gx = ((px - cx) * z) / f;
            // Ground texture: tiles + two octaves of noise, in ground coordinates (so it gets finer with distance).
            const tile = (Math.floor(gx / 2) + Math.floor(z / 2)) & 1;
            const nz = 0.6 * valueNoise(gx * 2, z * 2, seed) + 0.4 * valueNoise(gx * 7, z * 7, seed + 1);
            const base = tile ? grassA : grassB;
            const k = 0.55 + 0.9 * nz;
            col = [base[0]! * k, base[1]! * k, base[2]! * k];
          } else {
            const t = Math.max(0, Math.min(1, py / Math.max(1, horizon)));
            col = [90 + 110 * t, 140 + 75 * t, 220 + 5 * t];
          }
          for (const ob of objects) {
            if (ob.z >= z) continue;
            const ox = cx + (f * ob.x) / ob.z;
            const hw = (f * ob.width) / 2 / ob.z;
            const baseY = horizon + (f * camH) / ob.z;
            const top = baseY - (f * ob.height) / ob.z;
            if (px < ox - hw || px > ox + hw || py < top || py > baseY) continue;
            // Rounded top corners.
            const ry = Math.min(hw, (baseY - top) / 2);
            if (py < top + ry) {
              const dx = Math.abs(px - ox) - (hw - ry);
              const dy = top + ry - py;
              if (dx > 0 && dx * dx + dy * dy > ry * ry) continue;
            }
            const u = (px - ox) / hw;
            const shade = 0.75 + 0.25 * (1 - u * u) - 0.2 * ((py - top) / Math.max(1, baseY - top));
            const stripes = 0.9 + 0.1 * Math.sin((((py - top) * ob.z) / f) * 25);
            col = [ob.rgb[0] * shade * stripes, ob.rgb[1] * shade * stripes, ob.rgb[2] * shade * stripes];
            z = ob.z;
            break;
          }
          if (Number.isFinite(z)) {
            const t = Math.exp(-z / hazeZ);
            col = [col[0]! * t + hazeRgb[0]! * (1 - t), col[1]! * t + hazeRgb[1]! * (1 - t), col[2]! * t + hazeRgb[2]! * (1 - t)];
          }
          r += col[0]!;
          g += col[1]!;
          b += col[2]!;
          if (sx === 0 && sy === 0) zc = z;
        }
      }
      const s = SS * SS;
      rgbF[o] = r / s;
      rgbF[o + 1] = g / s;
      rgbF[o + 2] = b / s;
      near[y * W + x] = Number.isFinite(zc) ? 1 / zc : 0;
    }
  }
  if (opts.defocus) {
    // Blend each channel with a blurred copy, more for farther pixels.
    for (let c = 0; c < 3; c++) {
      const ch = new Float32Array(W * H);
      for (let i = 0; i < W * H; i++) ch[i] = rgbF[i * 3 + c]!;
      const bl = gaussBlur(ch, W, H, Math.max(1, W / 250));
      for (let i = 0; i < W * H; i++) {
        const k = Math.min(1, Math.max(0, 1 - near[i]! * 6));
        rgbF[i * 3 + c] = ch[i]! * (1 - k) + bl[i]! * k;
      }
    }
  }
  // Sensor noise.
  const rgb = new Uint8Array(W * H * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = Math.max(0, Math.min(255, Math.round(rgbF[i]! + (rnd() - 0.5) * 6)));
  return { rgb, width: W, height: H, nearness: near };
}

export async function writeScenePng(scene: RgbImage, file: string): Promise<void> {
  await sharp(scene.rgb, { raw: { width: scene.width, height: scene.height, channels: 3 } }).png().toFile(file);
}
