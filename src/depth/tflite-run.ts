/**
 * A small float interpreter for TensorFlow Lite models (batch 1, NHWC), enough for convolutional depth
 * networks such as FastDepth: convolutions, depthwise convolutions, padding, element-wise add/mul, resizes
 * and activations. Quantised weights are dequantised once; activations run in float32, so QUANTIZE and
 * DEQUANTIZE are identities (the model's int8 rounding of activations is not reproduced; this gives the
 * float network the quantised weights describe).
 */
import { StillmotionError } from '../errors';
import { BuiltinOp, constantValues, type Table, type TfliteModel, type TfliteOperator } from './tflite-model';

interface Value {
  data: Float32Array;
  shape: number[];
}

/** fused_activation_function enum (schema.fbs): NONE, RELU, RELU_N1_TO_1, RELU6. */
function activate(data: Float32Array, fn: number, label: string): void {
  if (fn === 0) return;
  const [lo, hi] = fn === 1 ? [0, Infinity] : fn === 2 ? [-1, 1] : fn === 3 ? [0, 6] : [NaN, NaN];
  if (Number.isNaN(lo)) throw new StillmotionError(`${label}: fused activation ${fn} is not supported`);
  for (let i = 0; i < data.length; i++) data[i] = Math.min(hi, Math.max(lo, data[i]!));
}

/** Output size and leading pad for one axis (Padding enum: SAME = 0, VALID = 1). */
function window(size: number, k: number, stride: number, dilation: number, padding: number): { out: number; pad: number } {
  const span = (k - 1) * dilation + 1;
  if (padding === 1) return { out: Math.floor((size - span) / stride) + 1, pad: 0 };
  const out = Math.ceil(size / stride);
  return { out, pad: Math.floor(Math.max((out - 1) * stride + span - size, 0) / 2) };
}

function conv2d(x: Value, w: Float32Array, wShape: number[], bias: Float32Array | undefined, o: Table | undefined, depthwise: boolean, label: string): Value {
  const [, H, W, C] = x.shape as [number, number, number, number];
  const [wd0, kh, kw, wd3] = wShape as [number, number, number, number];
  // Options field order differs: depthwise has depth_multiplier at 3, shifting the activation and dilations.
  const padding = o?.int8(0) ?? 0;
  const sw = o?.int32(1, 1) ?? 1;
  const sh = o?.int32(2, 1) ?? 1;
  const act = o?.int8(depthwise ? 4 : 3) ?? 0;
  const dw = o?.int32(depthwise ? 5 : 4, 1) ?? 1;
  const dh = o?.int32(depthwise ? 6 : 5, 1) ?? 1;
  const Co = depthwise ? wd3 : wd0;
  if (!depthwise && wd3 !== C) throw new StillmotionError(`${label}: convolution expects ${wd3} input channels, got ${C}`);
  const mult = depthwise ? Co / C : 1;
  if (depthwise && !Number.isInteger(mult)) throw new StillmotionError(`${label}: depthwise convolution has ${Co} outputs for ${C} channels`);
  const ry = window(H, kh, sh, dh, padding);
  const rx = window(W, kw, sw, dw, padding);
  const Ho = ry.out;
  const Wo = rx.out;
  const out = new Float32Array(Ho * Wo * Co);
  const src = x.data;
  const acc = new Float32Array(Co);
  for (let oy = 0; oy < Ho; oy++) {
    for (let ox = 0; ox < Wo; ox++) {
      if (bias) acc.set(bias);
      else acc.fill(0);
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * sh - ry.pad + ky * dh;
        if (iy < 0 || iy >= H) continue;
        for (let kx = 0; kx < kw; kx++) {
          const ix = ox * sw - rx.pad + kx * dw;
          if (ix < 0 || ix >= W) continue;
          const base = (iy * W + ix) * C;
          if (depthwise) {
            const wb = (ky * kw + kx) * Co;
            if (mult === 1) for (let co = 0; co < Co; co++) acc[co]! += src[base + co]! * w[wb + co]!;
            else for (let co = 0; co < Co; co++) acc[co]! += src[base + Math.floor(co / mult)]! * w[wb + co]!;
          } else {
            for (let co = 0; co < Co; co++) {
              const wb = ((co * kh + ky) * kw + kx) * C;
              let s = 0;
              for (let ci = 0; ci < C; ci++) s += src[base + ci]! * w[wb + ci]!;
              acc[co]! += s;
            }
          }
        }
      }
      out.set(acc, (oy * Wo + ox) * Co);
    }
  }
  activate(out, act, label);
  return { data: out, shape: [1, Ho, Wo, Co] };
}

function pad(x: Value, paddings: Float32Array): Value {
  const [, H, W, C] = x.shape as [number, number, number, number];
  const [t, b, l, r] = [paddings[2]!, paddings[3]!, paddings[4]!, paddings[5]!];
  const [c0, c1] = [paddings[6]!, paddings[7]!];
  if (paddings[0] || paddings[1]) throw new StillmotionError('batch padding is not supported');
  const Ho = H + t + b;
  const Wo = W + l + r;
  const Co = C + c0 + c1;
  const out = new Float32Array(Ho * Wo * Co);
  for (let y = 0; y < H; y++) {
    for (let xx = 0; xx < W; xx++) out.set(x.data.subarray((y * W + xx) * C, (y * W + xx + 1) * C), ((y + t) * Wo + xx + l) * Co + c0);
  }
  return { data: out, shape: [1, Ho, Wo, Co] };
}

function elementwise(a: Value, b: Value, f: (p: number, q: number) => number, act: number, label: string): Value {
  const n = a.data.length;
  const m = b.data.length;
  // Same shape, or b broadcast along the channel axis (a per-channel constant) or a scalar.
  if (m !== n && (m === 0 || n % m !== 0 || m !== (a.shape[a.shape.length - 1] ?? 0)) && m !== 1) {
    throw new StillmotionError(`${label}: element-wise shapes [${a.shape.join(', ')}] and [${b.shape.join(', ')}] are not supported`);
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = f(a.data[i]!, b.data[i % m]!);
  activate(out, act, label);
  return { data: out, shape: a.shape };
}

function resize(x: Value, size: Float32Array, alignCorners: boolean, halfPixel: boolean, bilinear: boolean): Value {
  const [, H, W, C] = x.shape as [number, number, number, number];
  const Ho = size[0]!;
  const Wo = size[1]!;
  const scale = (n: number, m: number): number => (alignCorners && m > 1 ? (n - 1) / (m - 1) : n / m);
  const sy = scale(H, Ho);
  const sx = scale(W, Wo);
  const out = new Float32Array(Ho * Wo * C);
  for (let y = 0; y < Ho; y++) {
    for (let xx = 0; xx < Wo; xx++) {
      const o = (y * Wo + xx) * C;
      if (!bilinear) {
        const pos = (d: number, s: number, n: number): number => {
          const v = halfPixel ? (d + 0.5) * s : d * s;
          return Math.min(n - 1, alignCorners ? Math.round(v) : Math.floor(v));
        };
        const i = (pos(y, sy, H) * W + pos(xx, sx, W)) * C;
        out.set(x.data.subarray(i, i + C), o);
        continue;
      }
      const fy = Math.max(0, halfPixel ? (y + 0.5) * sy - 0.5 : y * sy);
      const fx = Math.max(0, halfPixel ? (xx + 0.5) * sx - 0.5 : xx * sx);
      const y0 = Math.min(H - 1, Math.floor(fy));
      const x0 = Math.min(W - 1, Math.floor(fx));
      const y1 = Math.min(H - 1, y0 + 1);
      const x1 = Math.min(W - 1, x0 + 1);
      const wy = fy - y0;
      const wx = fx - x0;
      for (let c = 0; c < C; c++) {
        const at = (yy: number, xq: number): number => x.data[(yy * W + xq) * C + c]!;
        out[o + c] = (at(y0, x0) * (1 - wx) + at(y0, x1) * wx) * (1 - wy) + (at(y1, x0) * (1 - wx) + at(y1, x1) * wx) * wy;
      }
    }
  }
  return { data: out, shape: [1, Ho, Wo, C] };
}

/** A model ready to run: constants dequantised once. */
export class TfliteRunner {
  private readonly constants = new Map<number, Float32Array>();

  constructor(
    readonly model: TfliteModel,
    private readonly label: string,
  ) {
    model.tensors.forEach((t, i) => {
      if (t.data) this.constants.set(i, constantValues(t, label));
    });
    for (const o of model.operators) {
      if (!(Object.values(BuiltinOp) as number[]).includes(o.op)) {
        throw new StillmotionError(`${label}: TensorFlow Lite operator ${o.op} is not supported by the built-in interpreter`);
      }
    }
  }

  /** Input shape [1, H, W, C] of the first input. */
  get inputShape(): number[] {
    return this.model.tensors[this.model.inputs[0]!]!.shape;
  }

  /** Runs on a real-valued NHWC input (already scaled the way the model expects); returns the first output. */
  run(input: Float32Array): Value {
    const values = new Map<number, Value>();
    const inIdx = this.model.inputs[0]!;
    const shape = this.model.tensors[inIdx]!.shape;
    if (input.length !== shape.reduce((a, d) => a * d, 1)) throw new StillmotionError(`${this.label}: input has ${input.length} values for shape [${shape.join(', ')}]`);
    values.set(inIdx, { data: input, shape });
    const get = (i: number): Value => {
      const v = values.get(i);
      if (v) return v;
      const c = this.constants.get(i);
      if (c) return { data: c, shape: this.model.tensors[i]!.shape };
      throw new StillmotionError(`${this.label}: tensor "${this.model.tensors[i]?.name}" is used before it is computed`);
    };
    for (const o of this.model.operators) values.set(o.outputs[0]!, this.step(o, get));
    return get(this.model.outputs[0]!);
  }

  private step(o: TfliteOperator, get: (i: number) => Value): Value {
    const x = get(o.inputs[0]!);
    const opt = o.options;
    const bias = (i: number): Float32Array | undefined => (o.inputs[i] !== undefined && o.inputs[i]! >= 0 ? get(o.inputs[i]!).data : undefined);
    switch (o.op) {
      case BuiltinOp.CONV_2D:
      case BuiltinOp.DEPTHWISE_CONV_2D: {
        const w = get(o.inputs[1]!);
        return conv2d(x, w.data, w.shape, bias(2), opt, o.op === BuiltinOp.DEPTHWISE_CONV_2D, this.label);
      }
      case BuiltinOp.PAD:
        return pad(x, get(o.inputs[1]!).data);
      case BuiltinOp.ADD:
        return elementwise(x, get(o.inputs[1]!), (a, b) => a + b, opt?.int8(0) ?? 0, this.label);
      case BuiltinOp.MUL:
        return elementwise(x, get(o.inputs[1]!), (a, b) => a * b, opt?.int8(0) ?? 0, this.label);
      case BuiltinOp.RESIZE_NEAREST_NEIGHBOR:
        return resize(x, get(o.inputs[1]!).data, opt?.bool(0) ?? false, opt?.bool(1) ?? false, false);
      case BuiltinOp.RESIZE_BILINEAR:
        return resize(x, get(o.inputs[1]!).data, opt?.bool(2) ?? false, opt?.bool(3) ?? false, true);
      case BuiltinOp.RELU:
      case BuiltinOp.RELU6: {
        const data = Float32Array.from(x.data);
        activate(data, o.op === BuiltinOp.RELU ? 1 : 3, this.label);
        return { data, shape: x.shape };
      }
      case BuiltinOp.LOGISTIC:
        return { data: x.data.map((v) => 1 / (1 + Math.exp(-v))), shape: x.shape };
      case BuiltinOp.RESHAPE: {
        const target = o.inputs[1] !== undefined && o.inputs[1] >= 0 ? Array.from(get(o.inputs[1]).data) : this.model.tensors[o.outputs[0]!]!.shape;
        return { data: x.data, shape: target };
      }
      case BuiltinOp.QUANTIZE:
      case BuiltinOp.DEQUANTIZE:
        return x;
      default:
        throw new StillmotionError(`${this.label}: TensorFlow Lite operator ${o.op} is not supported by the built-in interpreter`);
    }
  }
}
