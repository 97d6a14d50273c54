/**
 * Edge-aware upsampling of a working-size plane (a matte, a mask) to the output size: the fast guided
 * filter (He and Sun 2015, "Fast Guided Filter"): the linear coefficients of q = a * guide + b are fitted
 * at the working size against the working image's luminance, upsampled bilinearly, and applied to the
 * output's luminance, so the plane's edges land on the picture's edges at full resolution.
 */
import { guidedCoefficients } from '../depth/ops';

/** Guide luminance is 0..1: this keeps edges weaker than about 0.045 (sqrt) from bending the plane. */
const EPS = 2e-3;

export interface Guides {
  /** Luminance 0..1 at the working size (w x h) and at the output size (W x H). */
  low: Float32Array;
  high: Float32Array;
  w: number;
  h: number;
  W: number;
  H: number;
}

/** `p` (working size, values 0..1) at the output size, clamped to 0..1. Window radius `r` in working pixels. */
export function guidedUpsample(p: Float32Array, g: Guides, r = 2): Float32Array {
  const { w, h, W, H } = g;
  const { a, b } = guidedCoefficients(g.low, p, w, h, r, EPS);
  // Bilinear (pixel-centre aligned, as resizeBilinear) interpolation of a and b, applied in the same pass.
  const x0s = new Int32Array(W);
  const x1s = new Int32Array(W);
  const txs = new Float32Array(W);
  for (let x = 0; x < W; x++) {
    const fx = Math.min(Math.max(((x + 0.5) * w) / W - 0.5, 0), w - 1);
    const x0 = Math.floor(fx);
    x0s[x] = x0;
    x1s[x] = Math.min(x0 + 1, w - 1);
    txs[x] = fx - x0;
  }
  const out = new Float32Array(W * H);
  const I = g.high;
  for (let y = 0; y < H; y++) {
    const fy = Math.min(Math.max(((y + 0.5) * h) / H - 0.5, 0), h - 1);
    const y0 = Math.floor(fy);
    const r0 = y0 * w;
    const r1 = Math.min(y0 + 1, h - 1) * w;
    const ty = fy - y0;
    const row = y * W;
    for (let x = 0; x < W; x++) {
      const tx = txs[x]!;
      const i00 = r0 + x0s[x]!;
      const i01 = r0 + x1s[x]!;
      const i10 = r1 + x0s[x]!;
      const i11 = r1 + x1s[x]!;
      const at = a[i00]! + (a[i01]! - a[i00]!) * tx;
      const ab = a[i10]! + (a[i11]! - a[i10]!) * tx;
      const bt = b[i00]! + (b[i01]! - b[i00]!) * tx;
      const bb = b[i10]! + (b[i11]! - b[i10]!) * tx;
      const q = (at + (ab - at) * ty) * I[row + x]! + bt + (bb - bt) * ty;
      out[row + x] = q < 0 ? 0 : q > 1 ? 1 : q;
    }
  }
  return out;
}
