/**
 * An uncompressed AVI stream header (RIFF AVI, one raw I420 video stream, no index): how raw
 * frames reach Remotion's bundled ffmpeg, which has no rawvideo or y4m demuxer but reads AVI from
 * a pipe. The frame count is known up front, so every size field is exact.
 */

/** Bytes in one I420 frame (Y, then U and V at half width and height); sizes must be even. */
export function i420FrameBytes(width: number, height: number): number {
  if (width % 2 || height % 2) throw new RangeError(`I420 frames need even sizes (got ${width}x${height})`);
  return width * height * 1.5;
}

/** Most frames one AVI stream may carry (RIFF sizes are 32-bit; stay far below 4 GiB). */
export function maxAviFrames(width: number, height: number): number {
  return Math.max(1, Math.floor(0x7000_0000 / (i420FrameBytes(width, height) + 8)));
}

/** The rate as a fraction AVI can hold (30 -> 30/1, 29.97 -> 29970/1000). */
function rateFraction(fps: number): { rate: number; scale: number } {
  return Number.isInteger(fps) ? { rate: fps, scale: 1 } : { rate: Math.round(fps * 1000), scale: 1000 };
}

/** Everything before the first frame: RIFF, hdrl (avih, strl: strh, strf) and the movi list head. */
export function aviHeader(width: number, height: number, fps: number, frames: number): Buffer {
  if (frames > maxAviFrames(width, height)) throw new RangeError(`AVI stream of ${frames} frames at ${width}x${height} is too large`);
  const frameBytes = i420FrameBytes(width, height);
  const { rate, scale } = rateFraction(fps);
  const moviSize = 4 + frames * (8 + frameBytes);
  const strlSize = 4 + (8 + 56) + (8 + 40);
  const hdrlSize = 4 + (8 + 56) + (8 + strlSize);
  const riffSize = 4 + (8 + hdrlSize) + (8 + moviSize);
  const b = Buffer.alloc(12 + 8 + hdrlSize + 12);
  let o = 0;
  const fourcc = (s: string): void => {
    b.write(s, o, 'latin1');
    o += 4;
  };
  const u32 = (v: number): void => {
    b.writeUInt32LE(v >>> 0, o);
    o += 4;
  };
  const i32 = (v: number): void => {
    b.writeInt32LE(v, o);
    o += 4;
  };
  const u16 = (v: number): void => {
    b.writeUInt16LE(v, o);
    o += 2;
  };
  fourcc('RIFF');
  u32(riffSize);
  fourcc('AVI ');
  fourcc('LIST');
  u32(hdrlSize);
  fourcc('hdrl');
  fourcc('avih');
  u32(56);
  u32(Math.round((1e6 * scale) / rate)); // microseconds a frame
  u32(Math.ceil((frameBytes * rate) / scale)); // max bytes a second
  u32(0); // padding granularity
  u32(0); // flags: no index
  u32(frames);
  u32(0); // initial frames
  u32(1); // streams
  u32(frameBytes + 8); // suggested buffer size
  u32(width);
  u32(height);
  for (let i = 0; i < 4; i++) u32(0);
  fourcc('LIST');
  u32(strlSize);
  fourcc('strl');
  fourcc('strh');
  u32(56);
  fourcc('vids');
  fourcc('I420');
  u32(0); // flags
  u16(0); // priority
  u16(0); // language
  u32(0); // initial frames
  u32(scale);
  u32(rate);
  u32(0); // start
  u32(frames); // length
  u32(frameBytes + 8);
  u32(0xffffffff); // quality: default
  u32(frameBytes); // sample size
  u16(0);
  u16(0);
  u16(width);
  u16(height);
  fourcc('strf');
  u32(40);
  u32(40); // BITMAPINFOHEADER size
  i32(width);
  i32(height);
  u16(1); // planes
  u16(12); // bits a pixel
  fourcc('I420');
  u32(frameBytes);
  u32(0);
  u32(0);
  u32(0);
  u32(0);
  fourcc('LIST');
  u32(moviSize);
  fourcc('movi');
  if (o !== b.length) throw new Error(`AVI header size mismatch: ${o} != ${b.length}`);
  return b;
}

/** The 8 bytes before each frame's pixels ('00db' uncompressed video chunk). */
export function aviFrameChunkHeader(width: number, height: number): Buffer {
  const b = Buffer.alloc(8);
  b.write('00db', 0, 'latin1');
  b.writeUInt32LE(i420FrameBytes(width, height), 4);
  return b;
}
