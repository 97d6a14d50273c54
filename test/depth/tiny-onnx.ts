/**
 * A hand-written minimal ONNX model (protobuf encoded here, no dependencies) standing in for a depth model:
 * input [1, 3, H, W] float -> ReduceMean over channels -> output [1, H, W] ("brighter = nearer").
 */

function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  if (v < 0n) v += 1n << 64n;
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}

const key = (field: number, wire: number): number[] => varint((field << 3) | wire);
const int = (field: number, v: number): number[] => [...key(field, 0), ...varint(v)];
const bytes = (field: number, b: number[]): number[] => [...key(field, 2), ...varint(b.length), ...b];
const str = (field: number, s: string): number[] => bytes(field, [...Buffer.from(s, 'utf8')]);

function valueInfo(name: string, dims: (number | string)[]): number[] {
  const shape = dims.flatMap((d) => bytes(1, typeof d === 'number' ? int(1, d) : str(2, d)));
  const tensorType = [...int(1, 1 /* FLOAT */), ...bytes(2, shape)];
  const type = bytes(1, tensorType);
  return [...str(1, name), ...bytes(2, type)];
}

export interface TinyModelOptions {
  inputName?: string;
  outputName?: string;
  /** Fixed input size; omit for dynamic H, W. */
  size?: { width: number; height: number };
  /** Output [1, 1, H, W] instead of [1, H, W]. */
  keepChannelDim?: boolean;
}

export function tinyDepthModel(opts: TinyModelOptions = {}): Uint8Array {
  const inName = opts.inputName ?? 'pixel_values';
  const outName = opts.outputName ?? 'predicted_depth';
  const H: number | string = opts.size?.height ?? 'height';
  const W: number | string = opts.size?.width ?? 'width';
  const attrAxes = [...str(1, 'axes'), ...int(8, 1), ...int(20, 7 /* INTS */)];
  const attrKeep = [...str(1, 'keepdims'), ...int(3, opts.keepChannelDim ? 1 : 0), ...int(20, 2 /* INT */)];
  const node = [...str(1, inName), ...str(2, outName), ...str(3, 'mean_rgb'), ...str(4, 'ReduceMean'), ...bytes(5, attrAxes), ...bytes(5, attrKeep)];
  const outDims = opts.keepChannelDim ? [1, 1, H, W] : [1, H, W];
  const graph = [...bytes(1, node), ...str(2, 'tiny_depth'), ...bytes(11, valueInfo(inName, [1, 3, H, W])), ...bytes(12, valueInfo(outName, outDims))];
  const opset = [...str(1, ''), ...int(2, 13)];
  const model = [...int(1, 7 /* IR version */), ...str(2, 'stillmotion-test'), ...bytes(7, graph), ...bytes(8, opset)];
  return Uint8Array.from(model);
}
