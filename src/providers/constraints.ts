/**
 * THE table of what each image-to-video provider accepts: prompt length and the start image
 * (encodings, size, sides, aspect, how a local file may travel). The image adapter
 * (image-adapter.ts), the prompt fitter (prompt-fit.ts) and the loopback test servers all read it.
 * Sources (checked 2026-12-01):
 * - Runway: docs.dev.runwayml.com/assets/inputs (HTTPS URLs on a domain name, image URL <= 16 MB,
 *   data URI under 5 MB = 1024*1024*5 characters, jpeg/png/webp, no GIF); runwayml/sdk-node
 *   src/resources/image-to-video.ts (promptText "up to 1000 characters (measured in UTF-16 code units)").
 * - Kling: Kling API reference, image2video ("image": .jpg/.jpeg/.png, <= 10 MB, >= 300 px, aspect
 *   1:2.5..2.5:1, URL or raw base64 without a data: prefix; "prompt" <= 2500 characters).
 * - Luma: lumaai-node / lumaai-python VideoCreateParams (keyframes.frame0 is {type: 'image', url}: URLs
 *   only); prompt 1..5000 characters (AWS Bedrock "Luma AI models" request parameters for Ray 2).
 * - Haiper: its ComfyUI client (HaiperAI/ComfyUI-HaiperAI-API py/haiper_api_node.py) sends
 *   `data:image/png;base64,...` as config.source_image. Haiper published no prompt or size limit;
 *   the ones below are Stillmotion's conservative choice.
 */
import type { ProviderId } from './types';

export type ImageEncoding = 'jpeg' | 'png' | 'webp';

export interface ImageConstraints {
  /** How a local image may travel: a data URI, raw base64 (Kling), or only as a URL. */
  inline: 'data-uri' | 'base64' | 'url-only';
  /** Encodings the provider decodes. Anything else (GIF, TIFF, HEIF, ...) is re-encoded. */
  encodings: readonly ImageEncoding[];
  /** Largest image file, in bytes. */
  maxBytes: number;
  /** Longest inline string (data URI or base64), in characters; absent: maxBytes decides. */
  maxInlineChars?: number;
  /** Shortest side, in pixels. */
  minSide?: number;
  /** Largest long-side / short-side ratio. */
  maxAspect?: number;
  /** URL schemes the provider fetches from. */
  urlSchemes: readonly ('http' | 'https')[];
}

export interface ProviderConstraints {
  /** Most characters (UTF-16 code units, what String.length counts) in the prompt. */
  promptMaxChars: number;
  image: ImageConstraints;
}

const MB = 1024 * 1024;

export const PROVIDER_CONSTRAINTS: Record<ProviderId, ProviderConstraints> = {
  luma: {
    promptMaxChars: 5000,
    image: { inline: 'url-only', encodings: ['jpeg', 'png'], maxBytes: 10 * MB, urlSchemes: ['http', 'https'] },
  },
  runway: {
    promptMaxChars: 1000,
    image: { inline: 'data-uri', encodings: ['jpeg', 'png', 'webp'], maxBytes: 16 * MB, maxInlineChars: 5 * MB - 1, urlSchemes: ['https'] },
  },
  kling: {
    promptMaxChars: 2500,
    image: { inline: 'base64', encodings: ['jpeg', 'png'], maxBytes: 10 * MB, minSide: 300, maxAspect: 2.5, urlSchemes: ['http', 'https'] },
  },
  haiper: {
    promptMaxChars: 2000,
    image: { inline: 'data-uri', encodings: ['jpeg', 'png'], maxBytes: 10 * MB, maxInlineChars: 10 * MB, urlSchemes: ['http', 'https'] },
  },
};

/** Characters a data URI (or raw base64 when `prefix` is '') of `bytes` bytes takes. */
export function inlineLength(bytes: number, prefix: string): number {
  return prefix.length + Math.ceil(bytes / 3) * 4;
}

export function dataUriPrefix(encoding: ImageEncoding): string {
  return `data:image/${encoding};base64,`;
}

/** The largest file (bytes) that travels inline for these constraints. */
export function maxInlineBytes(c: ImageConstraints, encoding: ImageEncoding): number {
  if (c.inline === 'url-only') return 0;
  const prefix = c.inline === 'data-uri' ? dataUriPrefix(encoding) : '';
  const chars = c.maxInlineChars ?? Infinity;
  const byChars = Number.isFinite(chars) ? Math.floor(((chars - prefix.length) / 4) * 3) : Infinity;
  return Math.min(c.maxBytes, byChars);
}
