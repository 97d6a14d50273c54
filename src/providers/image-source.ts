/**
 * Gets an image to a provider: URLs pass through; a local file goes as a data URI (or raw base64)
 * where the provider accepts one and the file is small enough, else it is uploaded to the
 * configured bucket and handed over as a presigned GET URL.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PutObjectCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { contentHash } from '../cache/content-hash';
import { joinKey, makeS3Client, s3ConfigFromEnv, type S3Config } from '../cache/s3-config';
import { ProviderError } from './errors';
import type { ProviderId } from './types';

export function isHttpUrl(ref: string): boolean {
  return /^https?:\/\//i.test(ref);
}

const MIME: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp', '.gif': 'image/gif' };

export function mimeFor(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Puts a local image somewhere a provider can fetch it and returns that URL. */
export interface ImageUploader {
  upload(file: string, signal?: AbortSignal): Promise<string>;
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

  async upload(file: string, signal?: AbortSignal): Promise<string> {
    const bytes = await fs.readFile(file);
    const key = joinKey(this.cfg.prefix, `uploads/${contentHash(bytes)}${path.extname(file).toLowerCase()}`);
    await this.client.send(new PutObjectCommand({ Bucket: this.cfg.bucket, Key: key, Body: bytes, ContentType: mimeFor(file) }), { abortSignal: signal });
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.cfg.bucket, Key: key }), { expiresIn: this.expiresInSec });
  }
}

/** The uploader configured by STILLMOTION_UPLOAD_S3_* (or, failing that, STILLMOTION_CACHE_S3_*), if any. */
export function uploaderFromEnv(env: NodeJS.ProcessEnv = process.env): ImageUploader | undefined {
  const cfg = s3ConfigFromEnv(env, 'STILLMOTION_UPLOAD_S3') ?? s3ConfigFromEnv(env, 'STILLMOTION_CACHE_S3');
  return cfg ? new S3ImageUploader(cfg) : undefined;
}

export interface ImageAcceptance {
  /** 'data-uri': `data:image/png;base64,...`; 'base64': raw base64 (Kling); 'url-only'. */
  inline: 'data-uri' | 'base64' | 'url-only';
  /** Largest file (bytes) sent inline. */
  maxInlineBytes: number;
}

export async function imageForProvider(
  provider: ProviderId,
  image: string,
  accept: ImageAcceptance,
  uploader: ImageUploader | undefined,
  signal?: AbortSignal,
): Promise<string> {
  if (isHttpUrl(image) || image.startsWith('data:')) return image;
  let size: number;
  try {
    size = (await fs.stat(image)).size;
  } catch {
    throw new ProviderError(provider, 'config', `image not found: ${image}`);
  }
  if (accept.inline !== 'url-only' && size <= accept.maxInlineBytes) {
    const b64 = (await fs.readFile(image)).toString('base64');
    return accept.inline === 'base64' ? b64 : `data:${mimeFor(image)};base64,${b64}`;
  }
  if (!uploader)
    throw new ProviderError(
      provider,
      'config',
      `${provider} needs an image URL for local file ${path.basename(image)}${accept.inline !== 'url-only' ? ` (over ${Math.round(accept.maxInlineBytes / 1e6)} MB for inline upload)` : ''}: set STILLMOTION_UPLOAD_S3_BUCKET (and _ENDPOINT) or use an http(s) image`,
    );
  try {
    return await uploader.upload(image, signal);
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw new ProviderError(provider, 'config', `cannot upload ${path.basename(image)} to the bucket: ${(err as Error).message}`);
  }
}
