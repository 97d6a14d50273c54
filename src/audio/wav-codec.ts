/**
 * Minimal RIFF/WAVE reading and writing: reads the PCM that ffmpeg streams through a pipe
 * (where the header sizes are unknown) and writes test and benchmark signals.
 */

export interface WavPcm {
  sampleRate: number;
  channels: number;
  /** Interleaved samples in [-1, 1]. */
  samples: Float32Array;
}

/**
 * Parses a PCM WAV (integer 8/16/24/32-bit or float 32-bit). A data chunk whose size is 0 or
 * 0xFFFFFFFF (ffmpeg writing to a pipe) is taken to run to the end of the buffer.
 * Non-finite float samples become 0.
 */
export function parseWav(buf: Uint8Array): WavPcm {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const tag = (o: number) => String.fromCharCode(buf[o]!, buf[o + 1]!, buf[o + 2]!, buf[o + 3]!);
  if (buf.byteLength < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('not a RIFF/WAVE stream');
  let off = 12;
  let format = 0;
  let channels = 0;
  let sampleRate = 0;
  let bits = 0;
  while (off + 8 <= buf.byteLength) {
    const id = tag(off);
    let size = view.getUint32(off + 4, true);
    const body = off + 8;
    if (id === 'fmt ') {
      format = view.getUint16(body, true);
      channels = view.getUint16(body + 2, true);
      sampleRate = view.getUint32(body + 4, true);
      bits = view.getUint16(body + 14, true);
      if (format === 0xfffe && size >= 26) format = view.getUint16(body + 24, true);
    } else if (id === 'data') {
      if (size === 0 || size === 0xffffffff || body + size > buf.byteLength) size = buf.byteLength - body;
      if (!channels || !sampleRate) throw new Error('WAV data before its format chunk');
      return { sampleRate, channels, samples: decodePcm(view, body, size, format, bits) };
    }
    off = body + size + (size & 1);
  }
  throw new Error('WAV stream has no data chunk');
}

function decodePcm(view: DataView, start: number, size: number, format: number, bits: number): Float32Array {
  const bytes = bits / 8;
  const n = Math.floor(size / bytes);
  const out = new Float32Array(n);
  if (format === 3 && bits === 32) {
    for (let i = 0; i < n; i++) {
      const v = view.getFloat32(start + i * 4, true);
      out[i] = Number.isFinite(v) ? v : 0;
    }
  } else if (format === 1 && bits === 16) {
    for (let i = 0; i < n; i++) out[i] = view.getInt16(start + i * 2, true) / 32768;
  } else if (format === 1 && bits === 24) {
    for (let i = 0, o = start; i < n; i++, o += 3) {
      const v = view.getUint8(o) | (view.getUint8(o + 1) << 8) | (view.getInt8(o + 2) << 16);
      out[i] = v / 8388608;
    }
  } else if (format === 1 && bits === 32) {
    for (let i = 0; i < n; i++) out[i] = view.getInt32(start + i * 4, true) / 2147483648;
  } else if (format === 1 && bits === 8) {
    for (let i = 0; i < n; i++) out[i] = (view.getUint8(start + i) - 128) / 128;
  } else {
    throw new Error(`unsupported WAV sample format ${format}/${bits}-bit`);
  }
  return out;
}

/** A 16-bit PCM WAV file of mono (or interleaved) samples, clipped to [-1, 1]. */
export function encodeWav16(samples: Float32Array, sampleRate: number, channels = 1): Buffer {
  const data = samples.length * 2;
  const buf = Buffer.alloc(44 + data);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + data, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(channels, 22);
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * channels * 2, 28);
  buf.writeUInt16LE(channels * 2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(data, 40);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.max(-1, Math.min(1, samples[i]!));
    buf.writeInt16LE(Math.round(v * 32767), 44 + i * 2);
  }
  return buf;
}
