/**
 * Fetches a finished Lambda render from the bucket into a local file, written to a temporary
 * name and renamed when complete (as local renders are), so an interrupted download never leaves
 * a half-written video. It reads with S3 GetObject, so it works for private renders too.
 */
import { createWriteStream, promises as fs } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { produceAtomic } from '../src/fs/atomic-write';

export async function downloadOutput(client: S3Client, bucket: string, key: string, target: string, signal?: AbortSignal): Promise<number> {
  return produceAtomic(target, async (tmp) => {
    const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    if (!res.Body) throw new Error(`s3://${bucket}/${key}: empty response`);
    // In Node the SDK's body is a Readable (an http.IncomingMessage).
    await pipeline(res.Body as Readable, createWriteStream(tmp), { signal });
    const bytes = (await fs.stat(tmp)).size;
    if (res.ContentLength !== undefined && bytes !== res.ContentLength) {
      throw new Error(`s3://${bucket}/${key}: download incomplete (${bytes} of ${res.ContentLength} bytes)`);
    }
    return bytes;
  });
}
