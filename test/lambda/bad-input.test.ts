/**
 * Bad Lambda set-ups fail before anything is uploaded or started, with a message that names the
 * flag, environment variable or file to fix: no credentials, an unknown region, a missing plan,
 * a missing bucket, nothing deployed, a damaged config file. And where each setting comes from.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { register } from '../../src/cli/commands/lambda';
import { StillmotionError } from '../../src/errors';
import { loadPlanFile, type LoadedPlan } from '../../src/plan/load-plan';
import { resolveLambdaTarget, resolveRegion, writeDeployedConfig, type DeployedConfig } from '../../lambda/config';
import { awsCredentialSource } from '../../lambda/credentials';
import { renderPlanOnLambda } from '../../lambda/render-plan-on-lambda';
import { tempDir, writeDiscImage, writePlan } from '../helpers/fixtures';
import { BUCKET, FUNCTION_NAME, SERVE_URL, startLoopbackAws, type LoopbackAws } from './env';

let env: LoopbackAws;
let dir: string;
let loaded: LoadedPlan;

const deployed = (over: Partial<DeployedConfig> = {}): DeployedConfig => ({
  region: 'eu-west-1',
  functionName: 'remotion-render-from-config',
  bucketName: 'remotionlambda-euwest1-config',
  serveUrl: 'https://remotionlambda-euwest1-config.s3.eu-west-1.amazonaws.com/sites/stillmotion/index.html',
  siteName: 'stillmotion',
  bundleHash: 'x',
  remotionVersion: '4.0.527',
  memorySizeInMb: 2048,
  diskSizeInMb: 2048,
  timeoutInSeconds: 240,
  deployedAt: '2026-11-24T00:00:00.000Z',
  ...over,
});

beforeAll(async () => {
  env = await startLoopbackAws();
  dir = await tempDir('sm-lambda-bad-');
  await writeDiscImage(path.join(dir, 'img', 'one.png'), 320, 200);
  loaded = await loadPlanFile(await writePlan(dir, { title: 'Bad', sections: [{ id: 'a', image: 'img/one.png', duration: 1, tier: 0 }] }), { cacheDir: path.join(dir, 'cache') });
});

afterAll(async () => {
  await env?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

async function target() {
  return resolveLambdaTarget({ region: 'us-east-1', function: FUNCTION_NAME, bucket: BUCKET, serveUrl: SERVE_URL, config: path.join(dir, 'none.json') });
}

describe('Lambda set-up problems', () => {
  it('no credentials: names the variables, and nothing is sent', async () => {
    const noCreds = { AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials' };
    expect(() => awsCredentialSource(noCreds)).toThrow(StillmotionError);
    expect(() => awsCredentialSource(noCreds)).toThrow(/REMOTION_AWS_ACCESS_KEY_ID and REMOTION_AWS_SECRET_ACCESS_KEY \(or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
    expect(() => awsCredentialSource({ ...noCreds, AWS_ACCESS_KEY_ID: 'AKIA' })).toThrow(/AWS_SECRET_ACCESS_KEY is not set \(AWS_ACCESS_KEY_ID is\)/);
    expect(awsCredentialSource({ ...noCreds, AWS_PROFILE: 'render' })).toBe('the profile in AWS_PROFILE');
    expect(awsCredentialSource({ ...noCreds, REMOTION_AWS_ACCESS_KEY_ID: 'a', REMOTION_AWS_SECRET_ACCESS_KEY: 'b' })).toBe('REMOTION_AWS_ACCESS_KEY_ID / REMOTION_AWS_SECRET_ACCESS_KEY');
    const before = env.aws.requests.length;
    await expect(renderPlanOnLambda(loaded, { target: await target(), env: noCreds, cacheDir: path.join(dir, 'cache') })).rejects.toThrow(/No AWS credentials for Remotion Lambda/);
    expect(env.aws.requests.length).toBe(before);
  });

  it('unknown region: names the flag or variable it came from', () => {
    expect(() => resolveRegion({ region: 'mars-1' }, {}, null, 'x.json')).toThrow(/^--region: "mars-1" is not an AWS region Remotion Lambda runs in \(one of .*us-east-1/);
    expect(() => resolveRegion({}, { STILLMOTION_LAMBDA_REGION: 'us-east-9' }, null, 'x.json')).toThrow(/^STILLMOTION_LAMBDA_REGION: "us-east-9"/);
    expect(() => resolveRegion({}, { REMOTION_AWS_REGION: 'moon' }, null, 'x.json')).toThrow(/^REMOTION_AWS_REGION: "moon"/);
  });

  it('region, function, bucket and serve URL: flag, then environment, then the deploy config (its own region only)', async () => {
    const file = path.join(dir, 'deployed.json');
    await writeDeployedConfig(file, deployed());
    const fromConfig = await resolveLambdaTarget({ config: file }, {});
    expect(fromConfig.region).toEqual({ value: 'eu-west-1', source: path.relative(process.cwd(), file) });
    expect(fromConfig.functionName.value).toBe('remotion-render-from-config');
    // AWS_REGION is a general setting: the deploy config wins over it.
    expect((await resolveLambdaTarget({ config: file }, { AWS_REGION: 'us-west-2' })).region.value).toBe('eu-west-1');
    const fromEnv = await resolveLambdaTarget({ config: file }, { STILLMOTION_LAMBDA_FUNCTION: 'fn-env', STILLMOTION_LAMBDA_BUCKET: 'bucket-env' });
    expect(fromEnv.functionName).toEqual({ value: 'fn-env', source: 'STILLMOTION_LAMBDA_FUNCTION' });
    expect(fromEnv.bucketName).toEqual({ value: 'bucket-env', source: 'STILLMOTION_LAMBDA_BUCKET' });
    expect(fromEnv.serveUrl.value).toBe(deployed().serveUrl);
    const fromFlag = await resolveLambdaTarget({ config: file, function: 'fn-flag' }, { STILLMOTION_LAMBDA_FUNCTION: 'fn-env' });
    expect(fromFlag.functionName).toEqual({ value: 'fn-flag', source: '--function' });
    // Another region: the config's function and bucket do not apply there.
    await expect(resolveLambdaTarget({ config: file, region: 'us-east-1' }, {})).rejects.toThrow(
      /not set up for region us-east-1 \(.*deployed\.json is for region eu-west-1, not us-east-1 from --region\).*\n {2}function: pass --function or set STILLMOTION_LAMBDA_FUNCTION\n {2}bucket: pass --bucket or set STILLMOTION_LAMBDA_BUCKET\n {2}serve URL: pass --serve-url or set STILLMOTION_LAMBDA_SERVE_URL/,
    );
  });

  it('nothing deployed: says to run lambda deploy', async () => {
    await expect(resolveLambdaTarget({ config: path.join(dir, 'absent.json') }, {})).rejects.toThrow(/run `stillmotion lambda deploy --region us-east-1` \(it writes .*absent\.json\)/);
  });

  it('a damaged config file is named', async () => {
    const file = path.join(dir, 'broken.json');
    await fs.writeFile(file, '{"region": "us-east-1",');
    await expect(resolveLambdaTarget({ config: file }, {})).rejects.toThrow(/broken\.json: invalid JSON .*run `stillmotion lambda deploy` again/);
    await fs.writeFile(file, '{"region": "us-east-1"}');
    await expect(resolveLambdaTarget({ config: file }, {})).rejects.toThrow(/broken\.json: not a Stillmotion Lambda config \(missing functionName, bucketName, serveUrl\)/);
  });

  it('a bucket that does not exist is named with its source, before anything is uploaded or started', async () => {
    const t = await resolveLambdaTarget({ region: 'us-east-1', function: FUNCTION_NAME, bucket: 'remotionlambda-useast1-nope', serveUrl: SERVE_URL, config: path.join(dir, 'none.json') });
    const starts = env.aws.starts.length;
    await expect(renderPlanOnLambda(loaded, { target: t, cacheDir: path.join(dir, 'cache') })).rejects.toThrow(
      /^--bucket: bucket "remotionlambda-useast1-nope" does not exist in region us-east-1; run `stillmotion lambda deploy --region us-east-1`/,
    );
    expect(env.aws.starts.length).toBe(starts);
  });

  it('a missing plan file is named (CLI)', async () => {
    const program = new Command().exitOverride();
    register(program);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await expect(program.parseAsync(['node', 'stillmotion', 'lambda', 'render', path.join(dir, 'missing.json'), '--function', FUNCTION_NAME])).rejects.toThrow(/missing\.json: plan file not found/);
    } finally {
      err.mockRestore();
    }
  });

  it('a bad serve URL or option is named', async () => {
    await expect(resolveLambdaTarget({ region: 'us-east-1', function: 'f', bucket: 'b', serveUrl: 'sites/x', config: path.join(dir, 'none.json') }, {})).rejects.toThrow(
      /^--serve-url: the serve URL must be an http\(s\) URL/,
    );
    const program = new Command().exitOverride();
    register(program);
    await expect(program.parseAsync(['node', 'stillmotion', 'lambda', 'render', loaded.planPath, '--privacy', 'secret'])).rejects.toThrow(/--privacy: one of public, private, no-acl/);
  });
});
