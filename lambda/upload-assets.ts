/**
 * Content-addressed asset uploads to the Lambda bucket: each local file goes to
 * `assets/<sha256 of its bytes><ext>` once (a HeadObject finds it on later renders and skips it),
 * and the composition gets a presigned GET URL for it. Presigned URLs work whether the bucket is
 * public-read (as Remotion creates it) or locked down; they expire after ASSET_URL_TTL_SECONDS,
 * long after any render (Lambda stops a function after 15 minutes).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { sha256File } from '../src/cache/clip-key';
import { Semaphore } from '../src/providers/limiter';

const ASSET_PREFIX = 'assets/';
const ASSET_URL_TTL_SECONDS = 24 * 3600;

const TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp', '.gif': 'image/gif', '.avif': 'image/avif',
  '.wav': 'audio/wav', '.mp3': 'audio/mpeg', '.ogg': 'audio/ogg', '.m4a': 'audio/mp4', '.aac': 'audio/aac', '.flac': 'audio/flac',
  '.mp4': 'video/mp4', '.webm': 'video/webm', '.mov': 'video/quicktime',
};

function contentTypeFor(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export interface UploadStats {
  uploaded: number;
  skipped: number;
  bytesUploaded: number;
}

export interface AssetUploaderOptions {
  /** Parallel uploads (default 4). */
  concurrency?: number;
  urlTtlSeconds?: number;
  onLog?: (message: string) => void;
}

/** The object key a file is stored under: its content hash, plus its extension (browsers sniff less than they guess). */
async function assetKey(file: string): Promise<string> {
  const ext = path.extname(file).toLowerCase().replace(/[^.a-z0-9]/g, '');
  return `${ASSET_PREFIX}${await sha256File(file)}${ext}`;
}

function isMissing(err: unknown): boolean {
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const name = (err as Error).name;
  // Without s3:ListBucket, S3 answers 403 for a missing object: upload it (PutObject reports a real denial).
  return status === 404 || status === 403 || name === 'NotFound' || name === 'NoSuchKey';
}

export class AssetUploader {
  readonly stats: UploadStats = { uploaded: 0, skipped: 0, bytesUploaded: 0 };
  private readonly pending = new Map<string, Promise<string>>();
  private readonly limit: Semaphore;

  constructor(
    readonly client: S3Client,
    readonly bucket: string,
    private readonly opts: AssetUploaderOptions = {},
  ) {
    this.limit = new Semaphore(opts.concurrency ?? 4);
  }

  /** Uploads the file if the bucket does not have its bytes yet; returns a URL Lambda can load it from. */
  url(file: string): Promise<string> {
    const abs = path.resolve(file);
    let job = this.pending.get(abs);
    if (!job) {
      job = this.limit.run(() => this.ensure(abs));
      this.pending.set(abs, job);
    }
    return job;
  }

  private async ensure(file: string): Promise<string> {
    const key = await assetKey(file);
    const size = (await fs.stat(file)).size;
    let present = false;
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      present = head.ContentLength === size;
    } catch (err) {
      if (!isMissing(err)) throw new Error(`${path.basename(file)}: cannot check s3://${this.bucket}/${key}: ${(err as Error).message}`);
    }
    if (present) {
      this.stats.skipped++;
    } else {
      const body = await fs.readFile(file);
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentLength: body.byteLength,
          ContentType: contentTypeFor(file),
          CacheControl: 'public, max-age=31536000, immutable',
        }),
      );
      this.stats.uploaded++;
      this.stats.bytesUploaded += body.byteLength;
      this.opts.onLog?.(`uploaded ${path.basename(file)} -> s3://${this.bucket}/${key}`);
    }
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: this.opts.urlTtlSeconds ?? ASSET_URL_TTL_SECONDS });
  }
}
