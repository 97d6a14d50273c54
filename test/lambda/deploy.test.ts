/**
 * `lambda deploy` against loopback AWS: Remotion's deployFunction talks to the Lambda, STS and
 * CloudWatch Logs stand-in, deploySiteFromBundle uploads to s3rver. The first deploy creates the
 * function with the chosen memory, disk and timeout and uploads the site; the second reuses both
 * (idempotent) and keeps the serve URL; the config file renders read is written.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeS3Client } from '../../src/cache/s3-config';
import { register } from '../../src/cli/commands/lambda';
import { deployLambda } from '../../lambda/deploy';
import { readDeployedConfig, resolveLambdaTarget } from '../../lambda/config';
import { tempDir } from '../helpers/fixtures';
import { BUCKET, startLoopbackAws, type LoopbackAws } from './env';

let env: LoopbackAws;
let dir: string;
let bundleDir: string;

beforeAll(async () => {
  env = await startLoopbackAws();
  dir = await tempDir('sm-deploy-');
  // A relocatable Remotion bundle as `remotion bundle` writes it (deploySiteFromBundle checks these).
  bundleDir = path.join(dir, 'bundle');
  await fs.mkdir(bundleDir, { recursive: true });
  await fs.writeFile(path.join(bundleDir, 'index.html'), '<!DOCTYPE html><script>window.remotion_publicPath = "./";</script><script src="./bundle.js"></script>');
  await fs.writeFile(path.join(bundleDir, 'bundle.js'), 'console.log("stillmotion");');
});

afterAll(async () => {
  await env?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

async function siteKeys(): Promise<string[]> {
  const client = makeS3Client(env.s3.cfg);
  const r = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'sites/' }));
  client.destroy();
  return (r.Contents ?? []).map((o) => o.Key!).sort();
}

describe('lambda deploy (loopback Lambda + s3rver)', () => {
  it('creates the function and site once, then reuses them; writes the config renders read', async () => {
    const configFile = path.join(dir, 'lambda.json');
    const first = await deployLambda({ flags: { region: 'us-east-1', bucket: BUCKET, config: configFile }, bundleDir });
    expect(first.functionAlreadyExisted).toBe(false);
    expect(first.config).toMatchObject({
      region: 'us-east-1',
      bucketName: BUCKET,
      functionName: 'remotion-render-4-0-527-mem2048mb-disk2048mb-240sec',
      serveUrl: `https://${BUCKET}.s3.us-east-1.amazonaws.com/sites/stillmotion/index.html`,
      memorySizeInMb: 2048,
      diskSizeInMb: 2048,
      timeoutInSeconds: 240,
    });
    const created = env.aws.functions.get(first.config.functionName)!;
    expect(created).toMatchObject({ MemorySize: 2048, Timeout: 240, EphemeralStorage: { Size: 2048 }, Architectures: ['arm64'] });
    expect(created.Role).toBe('arn:aws:iam::123456789012:role/remotion-lambda-role');
    expect(await siteKeys()).toEqual(['sites/stillmotion/bundle.js', 'sites/stillmotion/index.html']);
    expect(first.site).toMatchObject({ uploadedFiles: 2, deletedFiles: 0 });
    expect(await readDeployedConfig(configFile)).toEqual(first.config);

    const creates = () => env.aws.requests.filter((r) => r.method === 'POST' && /^\/2015-03-31\/functions\/?$/.test(r.path)).length;
    expect(creates()).toBe(1);
    const second = await deployLambda({ flags: { region: 'us-east-1', bucket: BUCKET, config: configFile }, bundleDir });
    expect(second.functionAlreadyExisted).toBe(true);
    expect(creates()).toBe(1);
    expect(second.site).toMatchObject({ uploadedFiles: 0, deletedFiles: 0, untouchedFiles: 2 });
    expect(second.config.serveUrl).toBe(first.config.serveUrl);

    // A render now finds everything in the config file, with sources that say so.
    const target = await resolveLambdaTarget({ config: configFile });
    expect(target.functionName.value).toBe(first.config.functionName);
    expect(target.bucketName).toEqual({ value: BUCKET, source: path.relative(process.cwd(), configFile) });
    expect(target.region.value).toBe('us-east-1');
  });

  it('prints the serve URL and function name (CLI)', async () => {
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const program = new Command().exitOverride();
      register(program);
      await program.parseAsync(['node', 'stillmotion', 'lambda', 'deploy', '--bucket', BUCKET, '--memory', '3008', '--timeout', '300', '--bundle-dir', bundleDir, '--lambda-config', path.join(dir, 'cli.json')]);
    } finally {
      spy.mockRestore();
      errSpy.mockRestore();
    }
    const text = out.join('');
    expect(text).toContain(`serve URL: https://${BUCKET}.s3.us-east-1.amazonaws.com/sites/stillmotion/index.html`);
    expect(text).toMatch(/function: {2}remotion-render-4-0-527-mem3008mb-disk2048mb-300sec \(deployed; 3008 MB memory, 2048 MB disk, 300 s timeout\)/);
    expect(env.aws.functions.get('remotion-render-4-0-527-mem3008mb-disk2048mb-300sec')?.MemorySize).toBe(3008);
  });

  it('rejects a bucket that does not exist, naming the flag', async () => {
    await expect(deployLambda({ flags: { bucket: 'remotionlambda-useast1-missing', config: path.join(dir, 'x.json') }, bundleDir })).rejects.toThrow(
      /--bucket: bucket "remotionlambda-useast1-missing" does not exist in region us-east-1/,
    );
  });

  it('rejects settings Lambda does not allow', async () => {
    await expect(deployLambda({ flags: { bucket: BUCKET }, memorySizeInMb: 100, bundleDir })).rejects.toThrow(/--memory: an integer from 512 to 10240 \(got 100\)/);
    await expect(deployLambda({ flags: { bucket: BUCKET }, timeoutInSeconds: 3600, bundleDir })).rejects.toThrow(/--timeout: an integer from 15 to 900/);
  });
});
