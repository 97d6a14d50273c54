/**
 * `stillmotion lambda deploy`: everything a Lambda render needs, idempotently.
 *   1. the bucket: --bucket / STILLMOTION_LAMBDA_BUCKET / the config file's (must exist), else
 *      Remotion's getOrCreateBucket (finds or creates the region's `remotionlambda-*` bucket);
 *   2. the function: deployFunction (2048 MB memory, 2048 MB disk, 240 s timeout by default); an
 *      existing function of the same Remotion version and settings is reused;
 *   3. the site: the remotion/ bundle (src/render/bundle.ts, cached by source hash) uploaded with
 *      deploySiteFromBundle under a fixed site name, so a redeploy only uploads what changed and
 *      the serve URL stays the same.
 * The result is written to the config file (.stillmotion/lambda.json) that renders read.
 */
import path from 'node:path';
import { deployFunction, deploySiteFromBundle, getOrCreateBucket } from '@remotion/lambda';
import { VERSION } from 'remotion/version';
import { StillmotionError } from '../src/errors';
import { bundleProject, bundleSourcesHash } from '../src/render/bundle';
import { assertBucketExists, makeBucketClient } from './bucket-client';
import { configFilePath, readDeployedConfig, resolveRegion, writeDeployedConfig, type DeployedConfig, type LambdaFlags, type Sourced } from './config';
import { awsCredentialSource } from './credentials';

const DEFAULT_MEMORY_MB = 2048;
const DEFAULT_DISK_MB = 2048;
const DEFAULT_TIMEOUT_S = 240;
const DEFAULT_SITE_NAME = 'stillmotion';

export interface DeployOptions {
  flags?: LambdaFlags;
  memorySizeInMb?: number;
  diskSizeInMb?: number;
  timeoutInSeconds?: number;
  siteName?: string;
  /** A ready Remotion bundle to upload (default: bundle remotion/, cached under <cacheDir>/../bundle). */
  bundleDir?: string;
  cacheDir?: string;
  env?: NodeJS.ProcessEnv;
  onLog?: (message: string) => void;
}

export interface DeployResult {
  config: DeployedConfig;
  configFile: string;
  bucketAlreadyExisted: boolean;
  functionAlreadyExisted: boolean;
  site: { uploadedFiles: number; deletedFiles: number; untouchedFiles: number };
}

function checkRange(value: number, flag: string, min: number, max: number): number {
  if (!(Number.isInteger(value) && value >= min && value <= max)) {
    throw new StillmotionError(`${flag}: an integer from ${min} to ${max} (got ${value})`);
  }
  return value;
}

export async function deployLambda(opts: DeployOptions = {}): Promise<DeployResult> {
  const env = opts.env ?? process.env;
  const flags = opts.flags ?? {};
  const log = opts.onLog ?? (() => undefined);
  const memorySizeInMb = checkRange(opts.memorySizeInMb ?? DEFAULT_MEMORY_MB, '--memory', 512, 10240);
  const diskSizeInMb = checkRange(opts.diskSizeInMb ?? DEFAULT_DISK_MB, '--disk', 512, 10240);
  const timeoutInSeconds = checkRange(opts.timeoutInSeconds ?? DEFAULT_TIMEOUT_S, '--timeout', 15, 900);
  const siteName = opts.siteName ?? DEFAULT_SITE_NAME;
  if (!/^[0-9a-zA-Z\-!_.*'()]+$/.test(siteName)) throw new StillmotionError(`--site-name: letters, digits and - _ . ! * ' ( ) only (got "${siteName}")`);

  const credentials = awsCredentialSource(env);
  const configFile = configFilePath(flags, env);
  const previous = await readDeployedConfig(configFile);
  const region = resolveRegion(flags, env, previous, configFile).value;
  log(`AWS credentials from ${credentials}; region ${region}`);

  // 1. Bucket.
  const given: Sourced<string> | null = flags.bucket?.trim()
    ? { value: flags.bucket.trim(), source: '--bucket' }
    : env.STILLMOTION_LAMBDA_BUCKET?.trim()
      ? { value: env.STILLMOTION_LAMBDA_BUCKET.trim(), source: 'STILLMOTION_LAMBDA_BUCKET' }
      : previous && previous.region === region
        ? { value: previous.bucketName, source: path.relative(process.cwd(), configFile) || configFile }
        : null;
  let bucketName: string;
  let bucketAlreadyExisted = true;
  if (given) {
    await assertBucketExists(makeBucketClient(region, env), given, region);
    bucketName = given.value;
  } else {
    const b = await getOrCreateBucket({ region, logLevel: 'warn' });
    bucketName = b.bucketName;
    bucketAlreadyExisted = b.alreadyExisted;
  }
  log(`bucket: ${bucketName} (${bucketAlreadyExisted ? 'exists' : 'created'})`);

  // 2. Function and 3. site, side by side.
  const cacheDir = path.resolve(opts.cacheDir ?? '.stillmotion/cache');
  const [fn, site, bundleHash] = await Promise.all([
    deployFunction({ region, memorySizeInMb, diskSizeInMb, timeoutInSeconds, createCloudWatchLogGroup: true, logLevel: 'warn' }).then((r) => {
      log(`function: ${r.functionName} (${r.alreadyExisted ? 'already deployed' : 'deployed'})`);
      return r;
    }),
    (async () => {
      const bundleDir = opts.bundleDir ?? (await bundleProject({ cacheDir: path.dirname(cacheDir) }));
      const r = await deploySiteFromBundle({
        bucketName,
        region,
        bundleDir,
        siteName,
        privacy: 'public',
        logLevel: 'warn',
        options: { bypassBucketNameValidation: !bucketName.startsWith('remotionlambda-') },
      });
      log(`site: ${r.serveUrl} (${r.stats.uploadedFiles} uploaded, ${r.stats.deletedFiles} deleted, ${r.stats.untouchedFiles} unchanged)`);
      return r;
    })(),
    bundleSourcesHash(),
  ]);

  const config: DeployedConfig = {
    region,
    functionName: fn.functionName,
    bucketName,
    serveUrl: site.serveUrl,
    siteName: site.siteName,
    bundleHash,
    remotionVersion: VERSION,
    memorySizeInMb,
    diskSizeInMb,
    timeoutInSeconds,
    deployedAt: new Date().toISOString(),
  };
  await writeDeployedConfig(configFile, config);
  return { config, configFile, bucketAlreadyExisted, functionAlreadyExisted: fn.alreadyExisted, site: site.stats };
}
