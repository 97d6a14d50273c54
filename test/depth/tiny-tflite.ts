/**
 * Writes small TensorFlow Lite models (FlatBuffers with the fields of tensorflow/lite/schema/schema.fbs) for
 * the interpreter tests, without TensorFlow. Layout is forward (a table, then its vtable, then what it
 * points at), which FlatBuffers allows: offsets are relative, vtable offsets are signed.
 */

type Scalar = { t: 'i8' | 'i32' | 'u32'; v: number };
type Ref = { t: 'ref'; node: Node };
type Field = Scalar | Ref | undefined;
type Node = { kind: 'table'; fields: Field[] } | { kind: 'tables'; items: Node[] } | { kind: 'i32s'; v: number[] } | { kind: 'i64s'; v: number[] } | { kind: 'f32s'; v: number[] } | { kind: 'bytes'; v: Uint8Array } | { kind: 'string'; v: string };

const i8 = (v: number): Scalar => ({ t: 'i8', v });
const i32 = (v: number): Scalar => ({ t: 'i32', v });
const u32 = (v: number): Scalar => ({ t: 'u32', v });
const ref = (node: Node): Ref => ({ t: 'ref', node });
const table = (...fields: Field[]): Node => ({ kind: 'table', fields });
const tables = (items: Node[]): Node => ({ kind: 'tables', items });

class Writer {
  buf = new Uint8Array(1 << 16);
  view = new DataView(this.buf.buffer);
  end = 0;

  alloc(n: number, align = 4): number {
    this.end = Math.ceil(this.end / align) * align;
    const at = this.end;
    this.end += n;
    if (this.end > this.buf.length) {
      const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.end));
      bigger.set(this.buf);
      this.buf = bigger;
      this.view = new DataView(bigger.buffer);
    }
    return at;
  }

  /** Writes `node` after everything so far; returns its position (a table's start, a vector's length word). */
  write(node: Node): number {
    switch (node.kind) {
      case 'table': {
        const t = this.alloc(4 + node.fields.length * 4);
        const vt = this.alloc(4 + node.fields.length * 2, 2);
        this.view.setInt32(t, t - vt, true);
        this.view.setUint16(vt, 4 + node.fields.length * 2, true);
        this.view.setUint16(vt + 2, 4 + node.fields.length * 4, true);
        node.fields.forEach((f, i) => {
          const slot = t + 4 + i * 4;
          this.view.setUint16(vt + 4 + i * 2, f ? 4 + i * 4 : 0, true);
          if (!f) return;
          if (f.t === 'ref') {
            // Compute first: writing the child may grow (replace) the buffer and its view.
            const target = this.write(f.node);
            this.view.setUint32(slot, target - slot, true);
          } else if (f.t === 'i8') this.view.setInt8(slot, f.v);
          else if (f.t === 'i32') this.view.setInt32(slot, f.v, true);
          else this.view.setUint32(slot, f.v, true);
        });
        return t;
      }
      case 'tables': {
        const v = this.alloc(4 + node.items.length * 4);
        this.view.setUint32(v, node.items.length, true);
        node.items.forEach((item, i) => {
          const slot = v + 4 + i * 4;
          const target = this.write(item);
          this.view.setUint32(slot, target - slot, true);
        });
        return v;
      }
      case 'i32s':
      case 'f32s': {
        const v = this.alloc(4 + node.v.length * 4);
        this.view.setUint32(v, node.v.length, true);
        node.v.forEach((x, i) => (node.kind === 'i32s' ? this.view.setInt32(v + 4 + i * 4, x, true) : this.view.setFloat32(v + 4 + i * 4, x, true)));
        return v;
      }
      case 'i64s': {
        // The elements must be 8-aligned, so the length word sits 4 bytes before an 8-aligned address.
        this.alloc(0, 8);
        this.alloc(4);
        const v = this.alloc(4 + node.v.length * 8, 4);
        this.view.setUint32(v, node.v.length, true);
        node.v.forEach((x, i) => this.view.setBigInt64(v + 4 + i * 8, BigInt(x), true));
        return v;
      }
      case 'bytes': {
        const v = this.alloc(4 + node.v.length);
        this.view.setUint32(v, node.v.length, true);
        this.buf.set(node.v, v + 4);
        return v;
      }
      case 'string': {
        const b = new TextEncoder().encode(node.v);
        const v = this.alloc(4 + b.length + 1);
        this.view.setUint32(v, b.length, true);
        this.buf.set(b, v + 4);
        return v;
      }
    }
  }
}

export interface TinyTensor {
  name: string;
  shape: number[];
  /** TensorType: 0 float32, 2 int32, 3 uint8, 9 int8. */
  type: number;
  data?: Uint8Array;
  quant?: { scale: number[]; zeroPoint: number[]; axis?: number };
}

export interface TinyOp {
  /** BuiltinOperator code. */
  op: number;
  inputs: number[];
  outputs: number[];
  /** Builtin options fields by index (int32 unless `i8` is set for that index). */
  options?: { index: number; value: number; i8?: boolean }[];
}

/** Serialises a one-subgraph model. */
export function tinyTflite(tensors: TinyTensor[], ops: TinyOp[], inputs: number[], outputs: number[]): Uint8Array {
  const codes = [...new Set(ops.map((o) => o.op))];
  // Buffer 0 is the empty sentinel, as converters write it.
  const buffers: Node[] = [table()];
  const tensorTables = tensors.map((t) => {
    let buffer = 0;
    if (t.data) {
      buffer = buffers.length;
      buffers.push(table(ref({ kind: 'bytes', v: t.data })));
    }
    const quant = t.quant
      ? table(undefined, undefined, ref({ kind: 'f32s', v: t.quant.scale }), ref({ kind: 'i64s', v: t.quant.zeroPoint }), undefined, undefined, i32(t.quant.axis ?? 0))
      : undefined;
    return table(ref({ kind: 'i32s', v: t.shape }), i8(t.type), u32(buffer), ref({ kind: 'string', v: t.name }), quant ? ref(quant) : undefined);
  });
  const opTables = ops.map((o) => {
    const fields: Field[] = [];
    for (const f of o.options ?? []) fields[f.index] = f.i8 ? i8(f.value) : i32(f.value);
    const options = o.options ? table(...Array.from({ length: fields.length }, (_, i) => fields[i])) : undefined;
    return table(u32(codes.indexOf(o.op)), ref({ kind: 'i32s', v: o.inputs }), ref({ kind: 'i32s', v: o.outputs }), options ? i8(1) : undefined, options ? ref(options) : undefined);
  });
  const subgraph = table(ref(tables(tensorTables)), ref({ kind: 'i32s', v: inputs }), ref({ kind: 'i32s', v: outputs }), ref(tables(opTables)), ref({ kind: 'string', v: 'main' }));
  // OperatorCode: deprecated_builtin_code (int8, capped at 127) and builtin_code (int32).
  const opCodes = codes.map((c) => table(i8(Math.min(c, 127)), undefined, i32(1), i32(c)));
  const model = table(u32(3), ref(tables(opCodes)), ref(tables([subgraph])), ref({ kind: 'string', v: 'stillmotion test' }), ref(tables(buffers)));
  const w = new Writer();
  const root = w.alloc(8);
  w.buf.set(new TextEncoder().encode('TFL3'), root + 4);
  const top = w.write(model);
  w.view.setUint32(root, top - root, true);
  return w.buf.slice(0, w.end);
}

export const int8Bytes = (v: number[]): Uint8Array => Uint8Array.from(v.map((x) => x & 0xff));
export const int32Bytes = (v: number[]): Uint8Array => new Uint8Array(Int32Array.from(v).buffer);
export const float32Bytes = (v: number[]): Uint8Array => new Uint8Array(Float32Array.from(v).buffer);
