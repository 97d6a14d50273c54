/**
 * Small image operations on single-channel Float32Array planes (row-major, width x height).
 * Everything here is O(pixels) (running sums, separable passes) so depth and layers stay fast in plain JS.
 */

/** Box mean over a (2r+1)^2 window, edges handled by shrinking the window (exact mean of in-image pixels). */
export function boxBlur(src: Float32Array, w: number, h: number, r: number, out: Float32Array = new Float32Array(w * h)): Float32Array {
  if (r <= 0) {
    out.set(src);
    return out;
  }
  const tmp = new Float32Array(w * h);
  // Horizontal pass: running sum; counts depend only on x, so precompute 1/count per column.
  const invX = new Float32Array(w);
  for (let x = 0; x < w; x++) invX[x] = 1 / (Math.min(w - 1, x + r) - Math.max(0, x - r) + 1);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let acc = 0;
    const first = Math.min(r, w - 1);
    for (let x = 0; x <= first; x++) acc += src[row + x]!;
    for (let x = 0; x < w; x++) {
      tmp[row + x] = acc * invX[x]!;
      const add = x + r + 1;
      const sub = x - r;
      if (add < w) acc += src[row + add]!;
      if (sub >= 0) acc -= src[row + sub]!;
    }
  }
  // Vertical pass: column sums kept in a row buffer for cache-friendly access.
  const acc = new Float64Array(w);
  const cnt = Math.min(r, h - 1) + 1;
  for (let y = 0; y < cnt; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) acc[x]! += tmp[row + x]!;
  }
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const inv = 1 / (Math.min(h - 1, y + r) - Math.max(0, y - r) + 1);
    for (let x = 0; x < w; x++) out[row + x] = acc[x]! * inv;
    const add = y + r + 1;
    const sub = y - r;
    if (add < h) {
      const ar = add * w;
      for (let x = 0; x < w; x++) acc[x]! += tmp[ar + x]!;
    }
    if (sub >= 0) {
      const sr = sub * w;
      for (let x = 0; x < w; x++) acc[x]! -= tmp[sr + x]!;
    }
  }
  return out;
}

/** Approximate Gaussian blur (three box passes) with standard deviation sigma (pixels). */
export function gaussBlur(src: Float32Array, w: number, h: number, sigma: number, passes: 2 | 3 = 3): Float32Array {
  if (sigma < 0.3) return new Float32Array(src);
  // Box radius giving the same variance in `passes` passes: var = passes * ((2r+1)^2 - 1) / 12.
  const r = Math.max(1, Math.round((Math.sqrt((12 * sigma * sigma) / passes + 1) - 1) / 2));
  const a = boxBlur(src, w, h, r);
  const b = boxBlur(a, w, h, r);
  return passes === 2 ? b : boxBlur(b, w, h, r, a);
}

/** Max (dilate) or min (erode) filter over a (2r+1)^2 square, separable (O(N r); radii here are small). */
export function rankFilter(src: Float32Array, w: number, h: number, r: number, mode: 'max' | 'min'): Float32Array {
  const out = new Float32Array(w * h);
  if (r <= 0) {
    out.set(src);
    return out;
  }
  const sign = mode === 'max' ? 1 : -1;
  const tmp = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const x0 = row + (x - r < 0 ? 0 : x - r);
      const x1 = row + (x + r >= w ? w - 1 : x + r);
      let m = sign * src[x0]!;
      for (let k = x0 + 1; k <= x1; k++) {
        const v = sign * src[k]!;
        if (v > m) m = v;
      }
      tmp[row + x] = m;
    }
  }
  const colMax = new Float32Array(w);
  for (let y = 0; y < h; y++) {
    const y0 = y - r < 0 ? 0 : y - r;
    const y1 = y + r >= h ? h - 1 : y + r;
    colMax.set(tmp.subarray(y0 * w, y0 * w + w));
    for (let k = y0 + 1; k <= y1; k++) {
      const row = k * w;
      for (let x = 0; x < w; x++) {
        const v = tmp[row + x]!;
        if (v > colMax[x]!) colMax[x] = v;
      }
    }
    const o = y * w;
    for (let x = 0; x < w; x++) out[o + x] = sign * colMax[x]!;
  }
  return out;
}

/** Binary dilation of a 0/1 mask by a disc-ish radius, via a distance-limited chamfer pass (O(N)). */
export function dilateMask(mask: Uint8Array, w: number, h: number, r: number): Uint8Array {
  if (r <= 0) return new Uint8Array(mask);
  const d = chamferDistance(mask, w, h);
  const out = new Uint8Array(w * h);
  for (let i = 0; i < out.length; i++) out[i] = d[i]! <= r ? 1 : 0;
  return out;
}

/** Approximate Euclidean distance (3-4 chamfer / 3) from every pixel to the nearest set pixel in `mask`. */
function chamferDistance(mask: Uint8Array, w: number, h: number): Float32Array {
  const INF = 1e9;
  const d = new Float32Array(w * h);
  for (let i = 0; i < d.length; i++) d[i] = mask[i] ? 0 : INF;
  const a = 1;
  const b = Math.SQRT2;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      let v = d[i]!;
      if (v === 0) continue;
      if (x > 0) v = Math.min(v, d[i - 1]! + a);
      if (y > 0) {
        v = Math.min(v, d[i - w]! + a);
        if (x > 0) v = Math.min(v, d[i - w - 1]! + b);
        if (x < w - 1) v = Math.min(v, d[i - w + 1]! + b);
      }
      d[i] = v;
    }
  }
  for (let y = h - 1; y >= 0; y--) {
    for (let x = w - 1; x >= 0; x--) {
      const i = y * w + x;
      let v = d[i]!;
      if (v === 0) continue;
      if (x < w - 1) v = Math.min(v, d[i + 1]! + a);
      if (y < h - 1) {
        v = Math.min(v, d[i + w]! + a);
        if (x < w - 1) v = Math.min(v, d[i + w + 1]! + b);
        if (x > 0) v = Math.min(v, d[i + w - 1]! + b);
      }
      d[i] = v;
    }
  }
  return d;
}

/** Bilinear resize of a plane (pixel-centre aligned). */
export function resizeBilinear(src: Float32Array, w: number, h: number, nw: number, nh: number): Float32Array {
  const out = new Float32Array(nw * nh);
  if (w === nw && h === nh) {
    out.set(src);
    return out;
  }
  const sx = w / nw;
  const sy = h / nh;
  const x0s = new Int32Array(nw);
  const x1s = new Int32Array(nw);
  const fxs = new Float32Array(nw);
  for (let x = 0; x < nw; x++) {
    const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w - 1);
    const x0 = Math.floor(fx);
    x0s[x] = x0;
    x1s[x] = Math.min(x0 + 1, w - 1);
    fxs[x] = fx - x0;
  }
  for (let y = 0; y < nh; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, h - 1);
    const ty = fy - y0;
    const r0 = y0 * w;
    const r1 = y1 * w;
    for (let x = 0; x < nw; x++) {
      const tx = fxs[x]!;
      const a = src[r0 + x0s[x]!]! * (1 - tx) + src[r0 + x1s[x]!]! * tx;
      const b = src[r1 + x0s[x]!]! * (1 - tx) + src[r1 + x1s[x]!]! * tx;
      out[y * nw + x] = a * (1 - ty) + b * ty;
    }
  }
  return out;
}

/** Guided-filter coefficients: the box-averaged a, b of q = a * guide + b (He et al. 2010). */
export function guidedCoefficients(guide: Float32Array, p: Float32Array, w: number, h: number, r: number, eps: number): { a: Float32Array; b: Float32Array } {
  const n = w * h;
  const ip = new Float32Array(n);
  const ii = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    ip[i] = guide[i]! * p[i]!;
    ii[i] = guide[i]! * guide[i]!;
  }
  const mI = boxBlur(guide, w, h, r);
  const mP = boxBlur(p, w, h, r);
  const mIP = boxBlur(ip, w, h, r, ip);
  const mII = boxBlur(ii, w, h, r, ii);
  const a = new Float32Array(n);
  const b = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const varI = mII[i]! - mI[i]! * mI[i]!;
    const cov = mIP[i]! - mI[i]! * mP[i]!;
    const ai = cov / (varI + eps);
    a[i] = ai;
    b[i] = mP[i]! - ai * mI[i]!;
  }
  return { a: boxBlur(a, w, h, r, mIP), b: boxBlur(b, w, h, r, mII) };
}

/**
 * Guided filter (He et al. 2010) with a grey guide: smooths `p` while keeping edges that exist in `guide`.
 * r: window radius in pixels, eps: regularisation (guide values are 0..1).
 */
export function guidedFilter(guide: Float32Array, p: Float32Array, w: number, h: number, r: number, eps: number): Float32Array {
  const { a, b } = guidedCoefficients(guide, p, w, h, r, eps);
  const out = new Float32Array(w * h);
  for (let i = 0; i < out.length; i++) out[i] = a[i]! * guide[i]! + b[i]!;
  return out;
}

/** Value at quantile q (0..1) of an array, from a 1024-bin histogram of the value range (fast, approximate). */
export function quantile(data: Float32Array, q: number): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) return lo;
  const bins = 1024;
  const hist = new Uint32Array(bins);
  const s = (bins - 1) / (hi - lo);
  for (let i = 0; i < data.length; i++) hist[Math.round((data[i]! - lo) * s)]!++;
  const target = q * (data.length - 1);
  let acc = 0;
  for (let b = 0; b < bins; b++) {
    acc += hist[b]!;
    if (acc > target) return lo + b / s;
  }
  return hi;
}

/** Rescales to 0..1 between the lo/hi quantiles (clamped). Returns false when the range is (nearly) empty. */
export function normalizeRobust(data: Float32Array, qlo = 0.02, qhi = 0.98): boolean {
  const lo = quantile(data, qlo);
  const hi = quantile(data, qhi);
  const range = hi - lo;
  if (!(range > 1e-6)) {
    data.fill(0.5);
    return false;
  }
  for (let i = 0; i < data.length; i++) data[i] = Math.min(1, Math.max(0, (data[i]! - lo) / range));
  return true;
}

/** Spearman rank correlation of two equally long samples (ties get their average rank). */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ra = ranks(a);
  const rb = ranks(b);
  const n = ra.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += ra[i]!;
    mb += rb[i]!;
  }
  ma /= n;
  mb /= n;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    const x = ra[i]! - ma;
    const y = rb[i]! - mb;
    num += x * y;
    da += x * x;
    db += y * y;
  }
  return da > 0 && db > 0 ? num / Math.sqrt(da * db) : 0;
}

function ranks(v: ArrayLike<number>): Float64Array {
  const n = v.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((i, j) => v[i]! - v[j]!);
  const r = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && v[idx[j + 1]!] === v[idx[i]!]) j++;
    const avg = (i + j) / 2;
    for (let k = i; k <= j; k++) r[idx[k]!] = avg;
    i = j + 1;
  }
  return r;
}
