/**
 * Hole filling by push-pull (pyramid diffusion): known pixels keep their colour, unknown pixels get a smooth
 * continuation of the nearby known colours (edge extension that blurs with distance). O(pixels).
 */

interface Level {
  w: number;
  h: number;
  wt: Float32Array;
  ch: Float32Array;
}

/** Halves a level: weighted means of 2x2 blocks; weights saturate at 1. */
function push(srcCh: Float32Array, srcWt: Float32Array | Uint8Array, w: number, h: number, C: number): Level {
  const nw = Math.max(1, Math.ceil(w / 2));
  const nh = Math.max(1, Math.ceil(h / 2));
  const wt = new Float32Array(nw * nh);
  const ch = new Float32Array(nw * nh * C);
  for (let y = 0; y < h; y++) {
    const trow = (y >> 1) * nw;
    const srow = y * w;
    for (let x = 0; x < w; x++) {
      const i = srow + x;
      const wi = srcWt[i]!;
      if (wi === 0) continue;
      const j = trow + (x >> 1);
      wt[j]! += wi;
      const si = i * C;
      const sj = j * C;
      for (let c = 0; c < C; c++) ch[sj + c]! += srcCh[si + c]! * wi;
    }
  }
  for (let j = 0; j < nw * nh; j++) {
    const wj = wt[j]!;
    if (wj > 0) {
      const inv = 1 / wj;
      for (let c = 0; c < C; c++) ch[j * C + c]! *= inv;
    }
    wt[j] = wj > 1 ? 1 : wj;
  }
  return { w: nw, h: nh, wt, ch };
}

/**
 * Blends `fine` (weights `fineWt`) with the bilinearly upsampled coarse level, in place; pixels with weight 1
 * or with need[i] === 0 are skipped.
 */
function pull(fine: Float32Array, fineWt: Float32Array | Uint8Array, fw: number, fh: number, coarse: Level, C: number, need?: Uint8Array): void {
  const { w: cw, h: chh, ch: cc } = coarse;
  const x0s = new Int32Array(fw);
  const x1s = new Int32Array(fw);
  const txs = new Float32Array(fw);
  for (let x = 0; x < fw; x++) {
    const fx = Math.min(Math.max((x + 0.5) / 2 - 0.5, 0), cw - 1);
    const x0 = Math.floor(fx);
    x0s[x] = x0 * C;
    x1s[x] = Math.min(x0 + 1, cw - 1) * C;
    txs[x] = fx - x0;
  }
  for (let y = 0; y < fh; y++) {
    const fy = Math.min(Math.max((y + 0.5) / 2 - 0.5, 0), chh - 1);
    const y0 = Math.floor(fy);
    const r0 = y0 * cw * C;
    const r1 = Math.min(y0 + 1, chh - 1) * cw * C;
    const ty = fy - y0;
    const row = y * fw;
    for (let x = 0; x < fw; x++) {
      const i = row + x;
      const a = fineWt[i]!;
      if (a >= 1 || (need !== undefined && need[i] === 0)) continue;
      const tx = txs[x]!;
      const w00 = (1 - tx) * (1 - ty);
      const w01 = tx * (1 - ty);
      const w10 = (1 - tx) * ty;
      const w11 = tx * ty;
      const p00 = r0 + x0s[x]!;
      const p01 = r0 + x1s[x]!;
      const p10 = r1 + x0s[x]!;
      const p11 = r1 + x1s[x]!;
      const o = i * C;
      for (let c = 0; c < C; c++) {
        const up = cc[p00 + c]! * w00 + cc[p01 + c]! * w01 + cc[p10 + c]! * w10 + cc[p11 + c]! * w11;
        fine[o + c] = a === 0 ? up : fine[o + c]! * a + up * (1 - a);
      }
    }
  }
}

/**
 * Fills interleaved `data` (C channels, w x h) where `known` is 0; known pixels (non-zero = 1) are kept exactly.
 * Returns a new array. With no known pixel at all, returns a copy of the input.
 * `need` (optional): only pixels where it is non-zero are filled at full resolution (others keep their input).
 */
export function pushPullFill(data: Float32Array, C: number, known: Uint8Array, w: number, h: number, need?: Uint8Array): Float32Array {
  const out = new Float32Array(data);
  let anyKnown = false;
  for (let i = 0; i < known.length; i++) {
    if (known[i]) {
      anyKnown = true;
      break;
    }
  }
  if (!anyKnown || w * h <= 1) return out;
  const levels: Level[] = [push(data, known, w, h, C)];
  for (;;) {
    const top = levels[levels.length - 1]!;
    if (top.w <= 1 && top.h <= 1) break;
    levels.push(push(top.ch, top.wt, top.w, top.h, C));
  }
  for (let l = levels.length - 2; l >= 0; l--) {
    const fine = levels[l]!;
    pull(fine.ch, fine.wt, fine.w, fine.h, levels[l + 1]!, C);
  }
  pull(out, known, w, h, levels[0]!, C, need);
  return out;
}
