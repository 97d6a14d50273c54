/**
 * Where Stillmotion renders on Remotion Lambda: region, function, bucket and serve URL. Each comes
 * from a flag, else an environment variable, else the file `stillmotion lambda deploy` wrote
 * (`.stillmotion/lambda.json`, or --lambda-config / STILLMOTION_LAMBDA_CONFIG). Every value keeps its
 * source, so an error names the flag, variable or file to fix.
 *
 * Region order: --region, STILLMOTION_LAMBDA_REGION, REMOTION_AWS_REGION, the config file,
 * AWS_REGION, then us-east-1. The config file's function, bucket and serve URL are used only when
 * its region is the one chosen (Lambda functions and buckets are regional).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { getRegions, type AwsRegion } from '@remotion/lambda';
import { StillmotionError } from '../src/errors';
import { writeFileAtomic } from '../src/fs/atomic-write';

const DEFAULT_CONFIG_FILE = '.stillmotion/lambda.json';
const DEFAULT_REGION: AwsRegion = 'us-east-1';

/** Flags shared by `lambda deploy`, `lambda render`, `render --lambda` and `batch --lambda`. */
export interface LambdaFlags {
  region?: string;
  function?: string;
  bucket?: string;
  serveUrl?: string;
  /** The deploy config file (default .stillmotion/lambda.json). */
  config?: string;
}

/** What `stillmotion lambda deploy` wrote: everything a render needs. */
export interface DeployedConfig {
  region: AwsRegion;
  functionName: string;
  bucketName: string;
  serveUrl: string;
  siteName: string;
  /** Hash of the sources the deployed site was bundled from (see src/render/bundle.ts). */
  bundleHash: string;
  remotionVersion: string;
  memorySizeInMb: number;
  diskSizeInMb: number;
  timeoutInSeconds: number;
  deployedAt: string;
}

export interface Sourced<T> {
  value: T;
  /** The flag, environment variable or file the value came from. */
  source: string;
}

export interface LambdaTarget {
  region: Sourced<AwsRegion>;
  functionName: Sourced<string>;
  bucketName: Sourced<string>;
  serveUrl: Sourced<string>;
  configFile: string;
  deployed: DeployedConfig | null;
}

export function configFilePath(flags: LambdaFlags, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(flags.config ?? env.STILLMOTION_LAMBDA_CONFIG ?? DEFAULT_CONFIG_FILE);
}

function relative(file: string): string {
  return path.relative(process.cwd(), file) || file;
}

/** The deploy config file, or null when there is none; a damaged one is an error naming the file. */
export async function readDeployedConfig(file: string): Promise<DeployedConfig | null> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StillmotionError(`${relative(file)}: cannot read the Lambda config: ${(err as Error).message}`);
  }
  let data: Partial<DeployedConfig>;
  try {
    data = JSON.parse(text) as Partial<DeployedConfig>;
  } catch (err) {
    throw new StillmotionError(`${relative(file)}: invalid JSON (${(err as Error).message}); run \`stillmotion lambda deploy\` again to rewrite it`);
  }
  const missing = (['region', 'functionName', 'bucketName', 'serveUrl'] as const).filter((k) => typeof data[k] !== 'string' || !data[k]);
  if (missing.length) {
    throw new StillmotionError(`${relative(file)}: not a Stillmotion Lambda config (missing ${missing.join(', ')}); run \`stillmotion lambda deploy\` again to rewrite it`);
  }
  return data as DeployedConfig;
}

export async function writeDeployedConfig(file: string, cfg: DeployedConfig): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(cfg, null, 2)}\n`);
}

function isAwsRegion(region: string): region is AwsRegion {
  return (getRegions() as readonly string[]).includes(region);
}

/** The region to use, validated against the regions Remotion Lambda supports. */
export function resolveRegion(flags: LambdaFlags, env: NodeJS.ProcessEnv, deployed: DeployedConfig | null, configFile: string): Sourced<AwsRegion> {
  const candidates: [string | undefined, string][] = [
    [flags.region, '--region'],
    [env.STILLMOTION_LAMBDA_REGION, 'STILLMOTION_LAMBDA_REGION'],
    [env.REMOTION_AWS_REGION, 'REMOTION_AWS_REGION'],
    [deployed?.region, relative(configFile)],
    [env.AWS_REGION, 'AWS_REGION'],
  ];
  const [value, source] = candidates.find(([v]) => v !== undefined && v.trim() !== '') ?? [DEFAULT_REGION, 'default'];
  const region = value!.trim();
  if (!isAwsRegion(region)) {
    throw new StillmotionError(`${source}: "${region}" is not an AWS region Remotion Lambda runs in (one of ${getRegions().join(', ')})`);
  }
  return { value: region, source };
}

function pick(
  flag: string | undefined,
  flagName: string,
  envValue: string | undefined,
  envName: string,
  fromConfig: string | undefined,
  configFile: string,
): Sourced<string> | null {
  if (flag?.trim()) return { value: flag.trim(), source: flagName };
  if (envValue?.trim()) return { value: envValue.trim(), source: envName };
  if (fromConfig) return { value: fromConfig, source: relative(configFile) };
  return null;
}

/** Region, function, bucket and serve URL for a render; anything missing is an error that says where to set it. */
export async function resolveLambdaTarget(flags: LambdaFlags, env: NodeJS.ProcessEnv = process.env): Promise<LambdaTarget> {
  const configFile = configFilePath(flags, env);
  const deployed = await readDeployedConfig(configFile);
  const region = resolveRegion(flags, env, deployed, configFile);
  const fromConfig = deployed && deployed.region === region.value ? deployed : null;
  const fn = pick(flags.function, '--function', env.STILLMOTION_LAMBDA_FUNCTION, 'STILLMOTION_LAMBDA_FUNCTION', fromConfig?.functionName, configFile);
  const bucket = pick(flags.bucket, '--bucket', env.STILLMOTION_LAMBDA_BUCKET, 'STILLMOTION_LAMBDA_BUCKET', fromConfig?.bucketName, configFile);
  const serveUrl = pick(flags.serveUrl, '--serve-url', env.STILLMOTION_LAMBDA_SERVE_URL, 'STILLMOTION_LAMBDA_SERVE_URL', fromConfig?.serveUrl, configFile);
  const where = deployed && !fromConfig ? ` (${relative(configFile)} is for region ${deployed.region}, not ${region.value} from ${region.source})` : '';
  const problems: { path: string; message: string }[] = [];
  if (!fn) problems.push({ path: 'function', message: `pass --function or set STILLMOTION_LAMBDA_FUNCTION` });
  if (!bucket) problems.push({ path: 'bucket', message: `pass --bucket or set STILLMOTION_LAMBDA_BUCKET` });
  if (!serveUrl) problems.push({ path: 'serve URL', message: `pass --serve-url or set STILLMOTION_LAMBDA_SERVE_URL` });
  if (problems.length) {
    throw new StillmotionError(
      `Remotion Lambda is not set up for region ${region.value}${where}: run \`stillmotion lambda deploy --region ${region.value}\` (it writes ${relative(configFile)}), or:`,
      problems,
    );
  }
  if (!/^https?:\/\//i.test(serveUrl!.value)) {
    throw new StillmotionError(`${serveUrl!.source}: the serve URL must be an http(s) URL of a deployed site (got "${serveUrl!.value}")`);
  }
  return { region, functionName: fn!, bucketName: bucket!, serveUrl: serveUrl!, configFile, deployed };
}
