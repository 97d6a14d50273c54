/** A PNG to look at: the image with the subject box, the focal point and the three format crops drawn on it. */
import sharp from 'sharp';
import type { RgbImage } from '../depth/image-io';
import type { FocusFormat, FocusResult } from './detect';

const COLOURS: Record<FocusFormat, string> = { '16:9': '#00e5ff', '9:16': '#ff3dcb', '1:1': '#ffd400' };

export async function drawFocus(image: RgbImage, focus: FocusResult): Promise<Buffer> {
  const { width: W, height: H } = image;
  const lw = Math.max(2, Math.round(Math.max(W, H) / 250));
  const fs = Math.max(12, Math.round(Math.max(W, H) / 40));
  const rect = (b: { x: number; y: number; width: number; height: number }, colour: string, dash = ''): string =>
    `<rect x="${(b.x * W + lw / 2).toFixed(1)}" y="${(b.y * H + lw / 2).toFixed(1)}" width="${Math.max(1, b.width * W - lw).toFixed(1)}" height="${Math.max(1, b.height * H - lw).toFixed(1)}" fill="none" stroke="${colour}" stroke-width="${lw}" ${dash}/>`;
  const parts: string[] = [];
  (Object.keys(COLOURS) as FocusFormat[]).forEach((k, i) => {
    const b = focus.crops[k];
    parts.push(rect(b, COLOURS[k]));
    parts.push(
      `<text x="${(b.x * W + lw * 2).toFixed(1)}" y="${(b.y * H + fs * (i + 1.1)).toFixed(1)}" font-family="sans-serif" font-size="${fs}" fill="${COLOURS[k]}" stroke="#000" stroke-width="${Math.max(1, fs / 12)}" paint-order="stroke">${k}</text>`,
    );
  });
  parts.push(rect(focus.box, '#ffffff', `stroke-dasharray="${lw * 3},${lw * 2}"`));
  const cx = focus.x * W;
  const cy = focus.y * H;
  const r = Math.max(6, Math.max(W, H) / 60);
  parts.push(`<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="${r.toFixed(1)}" fill="none" stroke="#ff2d2d" stroke-width="${lw}"/>`);
  parts.push(`<line x1="${cx - r * 1.8}" y1="${cy}" x2="${cx + r * 1.8}" y2="${cy}" stroke="#ff2d2d" stroke-width="${lw}"/>`);
  parts.push(`<line x1="${cx}" y1="${cy - r * 1.8}" x2="${cx}" y2="${cy + r * 1.8}" stroke="#ff2d2d" stroke-width="${lw}"/>`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${parts.join('')}</svg>`;
  return sharp(image.rgb, { raw: { width: W, height: H, channels: 3 } })
    .composite([{ input: Buffer.from(svg), left: 0, top: 0 }])
    .png()
    .toBuffer();
}
