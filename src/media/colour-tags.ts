/**
 * What colours every video Stillmotion writes is in, said in the file.
 *
 * Frames are converted to Y'CbCr with the BT.601 matrix at limited range: Remotion 4's default
 * (`colorSpace: 'default'`, the same as 'bt601': swscale's matrix, no tags) for the frames
 * Chromium draws, and src/render/direct/yuv-image.ts for the frames Node draws, so segments of
 * either kind join without re-encoding. Remotion leaves that output untagged, and players guess
 * the matrix of an untagged HD video as BT.709 (Chromium, Safari, mpv, YouTube's ingest): a
 * saturated orange (224, 64, 32) then shows as (237, 77, 27). The joined output is therefore
 * tagged with what it is: BT.601 matrix, limited range, BT.709 primaries and transfer (the
 * pictures are sRGB, which shares BT.709's primaries). The tags go into the H.264 sequence
 * header (h264_metadata, no re-encode) and into the MP4's `colr` box (QuickTime reads that).
 */

/** ISO/IEC 23091-2 code points (the H.264 VUI numbers) and ffmpeg's names for them. */
export const OUTPUT_COLOUR = {
  primaries: { code: 1, name: 'bt709' },
  transfer: { code: 1, name: 'bt709' },
  matrix: { code: 6, name: 'smpte170m' },
  range: { fullRange: 0, name: 'tv' },
} as const;

/** ffmpeg output arguments that tag a stream-copied H.264 video with OUTPUT_COLOUR. */
export function colourTagArgs(): string[] {
  const c = OUTPUT_COLOUR;
  return [
    '-bsf:v',
    `h264_metadata=colour_primaries=${c.primaries.code}:transfer_characteristics=${c.transfer.code}:matrix_coefficients=${c.matrix.code}:video_full_range_flag=${c.range.fullRange}`,
    '-color_primaries', c.primaries.name,
    '-color_trc', c.transfer.name,
    '-colorspace', c.matrix.name,
    '-color_range', c.range.name,
  ];
}
