/**
 * What a plan or story may make Stillmotion read: which addresses its URLs may reach, whether its
 * paths may leave its folder, and how big a download may get. One place reads the flags and the
 * environment, so every command (plan, make, render, batch, validate, clips, lambda render) means
 * the same thing by them:
 *   --allow-local-urls     STILLMOTION_ALLOW_LOCAL_URLS=1     loopback and private addresses
 *   --allow-outside-paths  STILLMOTION_ALLOW_OUTSIDE_PATHS=1  files outside the plan's folder
 *   --max-download-mb <n>  STILLMOTION_MAX_DOWNLOAD_MB=<n>    largest URL download (MiB)
 * A flag wins over the environment.
 */
import type { Command } from 'commander';
import { StillmotionError } from '../errors';

/** Far above any real still image or narration file, far below what would fill memory or a disk. */
export const DEFAULT_MAX_DOWNLOAD_MB = 100;
const MIB = 1024 * 1024;

export interface InputPolicy {
  /** URLs may reach loopback and private addresses (link-local and metadata stay refused). */
  allowLocalUrls: boolean;
  /** Relative paths may leave the plan's (story's) folder, and absolute paths are accepted. */
  allowOutsidePaths: boolean;
  /** Largest body a URL may send, in bytes. */
  maxDownloadBytes: number;
}

/** The flags as commander parses them. */
export interface InputPolicyFlags {
  allowLocalUrls?: boolean;
  allowOutsidePaths?: boolean;
  maxDownloadMb?: string | number;
}

export const ENV_ALLOW_LOCAL_URLS = 'STILLMOTION_ALLOW_LOCAL_URLS';
export const ENV_ALLOW_OUTSIDE_PATHS = 'STILLMOTION_ALLOW_OUTSIDE_PATHS';
export const ENV_MAX_DOWNLOAD_MB = 'STILLMOTION_MAX_DOWNLOAD_MB';

function envSwitch(env: NodeJS.ProcessEnv, name: string): boolean {
  const v = env[name]?.trim().toLowerCase();
  if (v === undefined || v === '' || v === '0' || v === 'false' || v === 'no') return false;
  if (v === '1' || v === 'true' || v === 'yes') return true;
  throw new StillmotionError(`${name}: 1 or 0 (got "${env[name]}")`);
}

function megabytes(v: string | number, what: string): number {
  const n = typeof v === 'number' ? v : Number(v.trim());
  if (!(typeof v === 'number' || v.trim() !== '') || !Number.isFinite(n) || n <= 0) throw new StillmotionError(`${what}: a positive number of MiB (got "${v}")`);
  return Math.floor(n * MIB);
}

/** The policy from flags (when given) and the environment; throws naming the flag or variable when a value is bad. */
export function resolveInputPolicy(flags: InputPolicyFlags = {}, env: NodeJS.ProcessEnv = process.env): InputPolicy {
  const max =
    flags.maxDownloadMb !== undefined
      ? megabytes(flags.maxDownloadMb, '--max-download-mb')
      : env[ENV_MAX_DOWNLOAD_MB]?.trim()
        ? megabytes(env[ENV_MAX_DOWNLOAD_MB]!, ENV_MAX_DOWNLOAD_MB)
        : DEFAULT_MAX_DOWNLOAD_MB * MIB;
  return {
    allowLocalUrls: flags.allowLocalUrls ?? envSwitch(env, ENV_ALLOW_LOCAL_URLS),
    allowOutsidePaths: flags.allowOutsidePaths ?? envSwitch(env, ENV_ALLOW_OUTSIDE_PATHS),
    maxDownloadBytes: max,
  };
}

/** Adds the three flags to a command that reads plans or stories. */
export function addInputPolicyOptions(cmd: Command): Command {
  return cmd
    .option('--allow-local-urls', `let the plan's URLs reach loopback and private addresses (also ${ENV_ALLOW_LOCAL_URLS}=1; link-local and cloud metadata stay refused)`)
    .option('--allow-outside-paths', `let the plan's file paths leave its folder, absolute paths included (also ${ENV_ALLOW_OUTSIDE_PATHS}=1)`)
    .option('--max-download-mb <n>', `largest image or audio download from a URL, in MiB (also ${ENV_MAX_DOWNLOAD_MB}; default ${DEFAULT_MAX_DOWNLOAD_MB})`);
}
