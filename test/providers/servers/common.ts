/**
 * Pieces shared by the documentation-based loopback servers in this folder: decoding and checking a
 * start image the way a provider would (with sharp, a real decoder), and a task table.
 */
import sharp from 'sharp';

export interface DecodedImage {
  format: string;
  width: number;
  height: number;
  bytes: number;
}

/** Decodes base64 image bytes; null when they are not an image. */
export async function decodeImage(b64: string): Promise<DecodedImage | null> {
  const buf = Buffer.from(b64, 'base64');
  try {
    const m = await sharp(buf).metadata();
    if (!m.format || !m.width || !m.height) return null;
    return { format: m.format === 'jpg' ? 'jpeg' : m.format, width: m.width, height: m.height, bytes: buf.length };
  } catch {
    return null;
  }
}

/** `data:image/<type>;base64,<data>` -> its parts; null when it is not a base64 data URI. */
export function parseDataUri(s: string): { type: string; b64: string } | null {
  const m = /^data:image\/([a-z0-9.+-]+);base64,([A-Za-z0-9+/=]+)$/.exec(s);
  return m ? { type: m[1]!, b64: m[2]! } : null;
}

export function isHttpUrl(s: string): boolean {
  return /^https?:\/\/[^\s]+$/.test(s);
}
