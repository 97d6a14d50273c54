/**
 * Stillmotion's own S3 client for the Lambda bucket (asset uploads, presigned URLs, downloads).
 * It reads credentials as @remotion/lambda does (REMOTION_AWS_* first, then the AWS SDK's default
 * chain: AWS_ACCESS_KEY_ID, AWS_PROFILE, ~/.aws, instance roles), and the AWS SDK honours
 * AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, so the same variables that point Remotion's clients at
 * an S3-compatible server point this one there too.
 */
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { StillmotionError } from '../src/errors';
import type { Sourced } from './config';

export function makeBucketClient(region: string, env: NodeJS.ProcessEnv = process.env): S3Client {
  const id = env.REMOTION_AWS_ACCESS_KEY_ID?.trim();
  const secret = env.REMOTION_AWS_SECRET_ACCESS_KEY?.trim();
  const credentials = id && secret ? { accessKeyId: id, secretAccessKey: secret, ...(env.REMOTION_AWS_SESSION_TOKEN ? { sessionToken: env.REMOTION_AWS_SESSION_TOKEN } : {}) } : undefined;
  const profile = !credentials ? env.REMOTION_AWS_PROFILE?.trim() || undefined : undefined;
  return new S3Client({
    region,
    ...(credentials ? { credentials } : {}),
    ...(profile ? { profile } : {}),
    // S3-compatible servers do not all accept the SDK's newer default checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 4,
  });
}

function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/** Fails with a message naming where the bucket name came from when it does not exist or cannot be reached. */
export async function assertBucketExists(client: S3Client, bucket: Sourced<string>, region: string): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket.value }));
  } catch (err) {
    const status = statusOf(err);
    const name = (err as Error).name;
    if (status === 404 || name === 'NotFound' || name === 'NoSuchBucket') {
      throw new StillmotionError(
        `${bucket.source}: bucket "${bucket.value}" does not exist in region ${region}; run \`stillmotion lambda deploy --region ${region}\` or pass the right --bucket`,
      );
    }
    if (status === 403) {
      throw new StillmotionError(`${bucket.source}: access to bucket "${bucket.value}" was denied (HTTP 403); check that the AWS user has the Remotion Lambda user policy and owns the bucket`);
    }
    if (status === 301) {
      throw new StillmotionError(`${bucket.source}: bucket "${bucket.value}" is not in region ${region}; pass the bucket's region with --region`);
    }
    throw new StillmotionError(`${bucket.source}: cannot reach bucket "${bucket.value}": ${(err as Error).message}`);
  }
}
