/** Frame comparisons the parity tests share (Node-drawn against Chromium-drawn frames). */
import { expect } from 'vitest';

/** PSNR in dB of two frames of the same size (any byte layout, compared sample by sample). */
export function psnr(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i]! - b[i]!) ** 2;
  return 10 * Math.log10((255 * 255) / (se / a.length + 1e-9));
}

/** Mean Rec. 601 luma of an RGB frame. */
export function meanLuma(rgb: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < rgb.length; i += 3) sum += 0.299 * rgb[i]! + 0.587 * rgb[i + 1]! + 0.114 * rgb[i + 2]!;
  return sum / (rgb.length / 3);
}
