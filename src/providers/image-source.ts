/**
 * Gets an image to a provider as the provider accepts it (constraints.ts): the plan's own http(s) URL
 * passes through when the image behind it already fits; otherwise the local copy is adapted
 * (image-adapter.ts) and sent inline (data URI / raw base64) where the provider takes that, else
 * uploaded to the configured bucket and handed over as a presigned GET URL.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PutObjectCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { contentHash } from '../cache/content-hash';
import { joinKey, makeS3Client, s3ConfigFromEnv, type S3Config } from '../cache/s3-config';
import { dataUriPrefix, maxInlineBytes, type ImageConstraints, type ImageEncoding } from './constraints';
import { ProviderError } from './errors';
import { adaptImage, imageFacts, imageProblems } from './image-adapter';
import type { ProviderId } from './types';

export function isHttpUrl(ref: string): boolean {
  return /^https?:\/\//i.test(ref);
}

const MIME: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp', '.gif': 'image/gif' };

function mimeFor(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Puts a local image somewhere a provider can fetch it and returns that URL. */
export interface ImageUploader {
  /** `image`: a file path, or bytes with their extension (".jpg"). Returns a URL the provider can GET. */
  upload(image: string | ImageBytes, signal?: AbortSignal): Promise<string>;
}

export interface ImageBytes {
  bytes: Buffer;
  ext: string;
}

/** Uploads into an S3-compatible bucket under `uploads/<sha256>.<ext>`; returns a presigned GET URL. */
export class S3ImageUploader implements ImageUploader {
  private readonly client: S3Client;
  constructor(
    private readonly cfg: S3Config,
    private readonly expiresInSec = 3600,
    client?: S3Client,
  ) {
    this.client = client ?? makeS3Client(cfg);
  }

  async upload(image: string | ImageBytes, signal?: AbortSignal): Promise<string> {
    const { bytes, ext } = typeof image === 'string' ? { bytes: await fs.readFile(image), ext: path.extname(image).toLowerCase() } : image;
    const key = joinKey(this.cfg.prefix, `uploads/${contentHash(bytes)}${ext}`);
    await this.client.send(new PutObjectCommand({ Bucket: this.cfg.bucket, Key: key, Body: bytes, ContentType: mimeFor(`x${ext}`) }), { abortSignal: signal });
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.cfg.bucket, Key: key }), { expiresIn: this.expiresInSec });
  }
}

/** The uploader configured by STILLMOTION_UPLOAD_S3_* (or, failing that, STILLMOTION_CACHE_S3_*), if any. */
export function uploaderFromEnv(env: NodeJS.ProcessEnv = process.env): ImageUploader | undefined {
  const cfg = s3ConfigFromEnv(env, 'STILLMOTION_UPLOAD_S3') ?? s3ConfigFromEnv(env, 'STILLMOTION_CACHE_S3');
  return cfg ? new S3ImageUploader(cfg) : undefined;
}

/** The start image of a request: a local file (or a URL / data URI used as it is), and where it came from. */
export interface ImageRef {
  image: string;
  /** The http(s) URL the local file was fetched from (the plan's image), passed through when it fits. */
  imageUrl?: string;
  /** The subject, in 0..1 (the plan's `focus`): crops keep it in frame. */
  focus?: { x: number; y: number };
}

export interface PreparedImage {
  /** What goes into the request: a URL, a data URI or raw base64. */
  value: string;
  via: 'url' | 'inline' | 'upload';
  /** What the adapter changed, e.g. "converted webp to jpeg"; empty when the image went as it is. */
  changes: string[];
}

export async function imageForProvider(
  provider: ProviderId,
  ref: ImageRef,
  accept: ImageConstraints,
  uploader: ImageUploader | undefined,
  signal?: AbortSignal,
): Promise<PreparedImage> {
  const { image } = ref;
  if (isHttpUrl(image) || image.startsWith('data:')) return { value: image, via: isHttpUrl(image) ? 'url' : 'inline', changes: [] };
  let original: Buffer;
  try {
    original = await fs.readFile(image);
  } catch {
    throw new ProviderError(provider, 'config', `image not found: ${image}`);
  }
  const name = ref.imageUrl ?? path.basename(image);
  let problems: string[];
  try {
    problems = imageProblems(await imageFacts(original), accept);
  } catch (err) {
    throw new ProviderError(provider, 'config', `cannot read image ${name}: ${(err as Error).message}`);
  }
  // The plan's own URL, when the provider fetches that scheme and the image behind it fits.
  const urlScheme = ref.imageUrl ? (new URL(ref.imageUrl).protocol.replace(':', '') as 'http' | 'https') : undefined;
  if (ref.imageUrl && urlScheme && accept.urlSchemes.includes(urlScheme) && problems.length === 0) return { value: ref.imageUrl, via: 'url', changes: [] };

  const inline = accept.inline !== 'url-only';
  const adapt = async (maxBytes: number) => {
    try {
      return await adaptImage(original, accept, { focus: ref.focus, maxBytes });
    } catch (err) {
      throw new ProviderError(provider, 'config', `cannot adapt image ${name} for ${provider} (${problems.join('; ')}): ${(err as Error).message}`);
    }
  };
  // Inline: sized so the encoded string fits the provider's inline limit (no bucket needed).
  const adapted = await adapt(inline ? Math.min(maxInlineBytes(accept, 'jpeg'), maxInlineBytes(accept, 'png')) : accept.maxBytes);
  if (inline) {
    const b64 = adapted.bytes.toString('base64');
    return { value: accept.inline === 'base64' ? b64 : `${dataUriPrefix(adapted.encoding)}${b64}`, via: 'inline', changes: adapted.changes };
  }
  if (!uploader) {
    const why = ref.imageUrl
      ? urlScheme && !accept.urlSchemes.includes(urlScheme)
        ? `${provider} fetches ${accept.urlSchemes.join('/')} URLs only, and ${ref.imageUrl} is ${urlScheme}`
        : `the image at ${ref.imageUrl} cannot be used as it is (${problems.join('; ')})`
      : `${provider} needs an image URL for local file ${path.basename(image)}`;
    throw new ProviderError(
      provider,
      'config',
      `${why}: set STILLMOTION_UPLOAD_S3_BUCKET (and _ENDPOINT) so ${ref.imageUrl ? 'the adapted image' : 'it'} can be uploaded${ref.imageUrl ? '' : ', or use an http(s) image'}`,
    );
  }
  try {
    return { value: await uploader.upload({ bytes: adapted.bytes, ext: EXT[adapted.encoding] }, signal), via: 'upload', changes: adapted.changes };
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw new ProviderError(provider, 'config', `cannot upload ${path.basename(image)} to the bucket: ${(err as Error).message}`);
  }
}

const EXT: Record<ImageEncoding, string> = { jpeg: '.jpg', png: '.png', webp: '.webp' };
