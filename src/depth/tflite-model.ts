/**
 * Reads a TensorFlow Lite model file (.tflite, a FlatBuffer with schema `tensorflow/lite/schema/schema.fbs`)
 * into plain objects: tensors with their shapes, quantisation and constant data, and the operators of the
 * main subgraph in execution order. Only what a float interpreter needs is read; no dependency.
 */
import { StillmotionError } from '../errors';

/** TensorType enum values used here (schema.fbs). */
export const TensorType = { FLOAT32: 0, FLOAT16: 1, INT32: 2, UINT8: 3, INT64: 4, INT16: 7, INT8: 9 } as const;

/** BuiltinOperator codes handled by the interpreter (schema.fbs). */
export const BuiltinOp = {
  ADD: 0,
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 4,
  DEQUANTIZE: 6,
  LOGISTIC: 14,
  MUL: 18,
  RELU: 19,
  RELU6: 21,
  RESHAPE: 22,
  RESIZE_BILINEAR: 23,
  PAD: 34,
  RESIZE_NEAREST_NEIGHBOR: 97,
  QUANTIZE: 114,
} as const;

export interface Quantization {
  scale: Float32Array;
  zeroPoint: number[];
  /** Axis the per-channel scales run along. */
  axis: number;
}

export interface TfliteTensor {
  name: string;
  shape: number[];
  type: number;
  /** Constant contents (weights, biases, shapes), when the tensor has a buffer. */
  data?: Uint8Array;
  quant?: Quantization;
}

export interface TfliteOperator {
  /** BuiltinOperator code. */
  op: number;
  inputs: number[];
  outputs: number[];
  /** The builtin options table, read lazily by field index. */
  options?: Table;
}

export interface TfliteModel {
  tensors: TfliteTensor[];
  inputs: number[];
  outputs: number[];
  operators: TfliteOperator[];
}

/** One FlatBuffer table: reads scalar fields by index (defaults when absent) and follows offsets. */
export class Table {
  constructor(
    private readonly view: DataView,
    readonly pos: number,
  ) {}

  private field(index: number): number {
    const vtable = this.pos - this.view.getInt32(this.pos, true);
    const vsize = this.view.getUint16(vtable, true);
    const at = 4 + index * 2;
    if (at >= vsize) return 0;
    const off = this.view.getUint16(vtable + at, true);
    return off ? this.pos + off : 0;
  }

  private deref(p: number): number {
    return p + this.view.getUint32(p, true);
  }

  int8(index: number, dflt = 0): number {
    const p = this.field(index);
    return p ? this.view.getInt8(p) : dflt;
  }

  uint8(index: number, dflt = 0): number {
    const p = this.field(index);
    return p ? this.view.getUint8(p) : dflt;
  }

  int32(index: number, dflt = 0): number {
    const p = this.field(index);
    return p ? this.view.getInt32(p, true) : dflt;
  }

  uint32(index: number, dflt = 0): number {
    const p = this.field(index);
    return p ? this.view.getUint32(p, true) : dflt;
  }

  bool(index: number, dflt = false): boolean {
    const p = this.field(index);
    return p ? this.view.getUint8(p) !== 0 : dflt;
  }

  table(index: number): Table | undefined {
    const p = this.field(index);
    return p ? new Table(this.view, this.deref(p)) : undefined;
  }

  string(index: number): string {
    const p = this.field(index);
    if (!p) return '';
    const s = this.deref(p);
    const len = this.view.getUint32(s, true);
    return new TextDecoder().decode(new Uint8Array(this.view.buffer, this.view.byteOffset + s + 4, len));
  }

  /** Start and length of a vector field (0, 0 when absent). */
  private vector(index: number): { start: number; length: number } {
    const p = this.field(index);
    if (!p) return { start: 0, length: 0 };
    const v = this.deref(p);
    return { start: v + 4, length: this.view.getUint32(v, true) };
  }

  tables(index: number): Table[] {
    const { start, length } = this.vector(index);
    return Array.from({ length }, (_, i) => new Table(this.view, this.deref(start + i * 4)));
  }

  int32s(index: number): number[] {
    const { start, length } = this.vector(index);
    return Array.from({ length }, (_, i) => this.view.getInt32(start + i * 4, true));
  }

  int64s(index: number): number[] {
    const { start, length } = this.vector(index);
    return Array.from({ length }, (_, i) => Number(this.view.getBigInt64(start + i * 8, true)));
  }

  float32s(index: number): Float32Array {
    const { start, length } = this.vector(index);
    const out = new Float32Array(length);
    for (let i = 0; i < length; i++) out[i] = this.view.getFloat32(start + i * 4, true);
    return out;
  }

  bytes(index: number): Uint8Array | undefined {
    const { start, length } = this.vector(index);
    return length ? new Uint8Array(this.view.buffer, this.view.byteOffset + start, length) : undefined;
  }
}

/** Parses a .tflite file's bytes. `label` names the file in errors. */
export function readTflite(bytes: Uint8Array, label: string): TfliteModel {
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(4, 8)) !== 'TFL3') {
    throw new StillmotionError(`${label}: not a TensorFlow Lite model (no "TFL3" identifier)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    const model = new Table(view, view.getUint32(0, true));
    // OperatorCode: deprecated_builtin_code (0, int8) and builtin_code (3, int32); the larger is the real one.
    const codes = model.tables(1).map((c) => Math.max(c.int8(0), c.int32(3)));
    const buffers = model.tables(4);
    const subgraphs = model.tables(2);
    const main = subgraphs[0];
    if (!main) throw new StillmotionError(`${label}: TensorFlow Lite model has no subgraph`);
    const tensors = main.tables(0).map((t): TfliteTensor => {
      const q = t.table(4);
      const scale = q?.float32s(2);
      const data = buffers[t.uint32(2)]?.bytes(0);
      return {
        name: t.string(3),
        shape: t.int32s(0),
        type: t.int8(1),
        data,
        quant: q && scale && scale.length ? { scale, zeroPoint: q.int64s(3), axis: q.int32(6) } : undefined,
      };
    });
    const operators = main.tables(3).map((o): TfliteOperator => ({ op: codes[o.uint32(0)] ?? -1, inputs: o.int32s(1), outputs: o.int32s(2), options: o.table(4) }));
    return { tensors, inputs: main.int32s(1), outputs: main.int32s(2), operators };
  } catch (err) {
    if (err instanceof StillmotionError) throw err;
    throw new StillmotionError(`${label}: damaged TensorFlow Lite model (${(err as Error).message})`);
  }
}

/** A constant tensor's values as float32: dequantised (per tensor or per channel along `quant.axis`) when quantised. */
export function constantValues(t: TfliteTensor, label: string): Float32Array {
  if (!t.data) throw new StillmotionError(`${label}: tensor "${t.name}" has no constant data`);
  const b = t.data;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let raw: Float32Array;
  switch (t.type) {
    case TensorType.FLOAT32:
      raw = new Float32Array(b.byteLength / 4);
      for (let i = 0; i < raw.length; i++) raw[i] = view.getFloat32(i * 4, true);
      return raw;
    case TensorType.INT8:
      raw = Float32Array.from(new Int8Array(b.buffer, b.byteOffset, b.byteLength));
      break;
    case TensorType.UINT8:
      raw = Float32Array.from(b);
      break;
    case TensorType.INT32:
      raw = new Float32Array(b.byteLength / 4);
      for (let i = 0; i < raw.length; i++) raw[i] = view.getInt32(i * 4, true);
      break;
    default:
      throw new StillmotionError(`${label}: tensor "${t.name}" has unsupported type ${t.type}`);
  }
  const q = t.quant;
  if (!q) return raw;
  // Per-channel: the scale index is the coordinate along `axis`; stride = product of the dims after it.
  const inner = t.shape.slice(q.axis + 1).reduce((a, d) => a * d, 1);
  const channels = q.scale.length;
  for (let i = 0; i < raw.length; i++) {
    const c = channels === 1 ? 0 : Math.floor(i / inner) % channels;
    raw[i] = (raw[i]! - (q.zeroPoint[c] ?? 0)) * q.scale[c]!;
  }
  return raw;
}
