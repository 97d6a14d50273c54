/** Starts s3rver (an S3-compatible server) in-process on 127.0.0.1, random port, temp directory. */
import { createRequire } from 'node:module';
import { promises as fs } from 'node:fs';
import type { S3Config } from '../../src/cache/s3-config';
import { tempDir } from '../helpers/fixtures';

interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverCtor = new (opts: Record<string, unknown>) => S3rverInstance;

export interface RunningS3 {
  cfg: S3Config;
  endpoint: string;
  close(): Promise<void>;
}

export async function startS3(bucket = 'clips'): Promise<RunningS3> {
  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverCtor;
  const directory = await tempDir('sm-s3rver-');
  const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port } = await s3.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    cfg: { bucket, endpoint, region: 'us-east-1', prefix: 'sm', forcePathStyle: true, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    close: async () => {
      await s3.close();
      await fs.rm(directory, { recursive: true, force: true });
    },
  };
}
