/**
 * S3-compatible storage settings (AWS S3, Cloudflare R2, MinIO ...), from options or env:
 *   <PREFIX>_BUCKET (required), <PREFIX>_ENDPOINT, <PREFIX>_REGION (default us-east-1, R2: auto),
 *   <PREFIX>_PREFIX (key prefix), <PREFIX>_FORCE_PATH_STYLE (default: true when an endpoint is set),
 *   credentials: <PREFIX>_ACCESS_KEY_ID / _SECRET_ACCESS_KEY, else AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
 *   (else the AWS SDK's default chain).
 * PREFIX is STILLMOTION_CACHE_S3 for the clip cache and STILLMOTION_UPLOAD_S3 for image uploads
 * (uploads fall back to the cache settings).
 */
import { S3Client } from '@aws-sdk/client-s3';

export interface S3Config {
  bucket: string;
  endpoint?: string;
  region: string;
  prefix: string;
  forcePathStyle: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
}

export function s3ConfigFromEnv(env: NodeJS.ProcessEnv = process.env, varPrefix = 'STILLMOTION_CACHE_S3'): S3Config | null {
  const bucket = env[`${varPrefix}_BUCKET`];
  if (!bucket) return null;
  const endpoint = env[`${varPrefix}_ENDPOINT`] || undefined;
  const fps = env[`${varPrefix}_FORCE_PATH_STYLE`];
  return {
    bucket,
    endpoint,
    region: env[`${varPrefix}_REGION`] || env.AWS_REGION || 'us-east-1',
    prefix: env[`${varPrefix}_PREFIX`] ?? '',
    forcePathStyle: fps ? /^(1|true|yes)$/i.test(fps) : !!endpoint,
    accessKeyId: env[`${varPrefix}_ACCESS_KEY_ID`] || env.AWS_ACCESS_KEY_ID || undefined,
    secretAccessKey: env[`${varPrefix}_SECRET_ACCESS_KEY`] || env.AWS_SECRET_ACCESS_KEY || undefined,
  };
}

export function makeS3Client(cfg: S3Config): S3Client {
  return new S3Client({
    region: cfg.region,
    endpoint: cfg.endpoint,
    forcePathStyle: cfg.forcePathStyle,
    credentials: cfg.accessKeyId && cfg.secretAccessKey ? { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey } : undefined,
    // R2, MinIO and other S3-compatible stores do not all accept the SDK's newer default checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 4,
  });
}

export function joinKey(prefix: string, key: string): string {
  if (!prefix) return key;
  return `${prefix.replace(/\/+$/, '')}/${key}`;
}
