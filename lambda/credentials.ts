/**
 * Checks, before any AWS call, that credentials are configured the way @remotion/lambda reads them
 * (it builds its own AWS clients from these variables): REMOTION_AWS_ACCESS_KEY_ID +
 * REMOTION_AWS_SECRET_ACCESS_KEY (+ REMOTION_AWS_SESSION_TOKEN), REMOTION_AWS_PROFILE, AWS_PROFILE,
 * AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY, or a [default] profile in ~/.aws/credentials.
 * Returns where they come from (a variable name, never a value), so it can be logged safely.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StillmotionError } from '../src/errors';

function set(env: NodeJS.ProcessEnv, name: string): boolean {
  return Boolean(env[name]?.trim());
}

function hasDefaultProfile(env: NodeJS.ProcessEnv): boolean {
  const file = env.AWS_SHARED_CREDENTIALS_FILE || path.join(os.homedir(), '.aws', 'credentials');
  try {
    return readFileSync(file, 'utf8').includes('[default]');
  } catch {
    return false;
  }
}

export function awsCredentialSource(env: NodeJS.ProcessEnv = process.env): string {
  if (set(env, 'REMOTION_SKIP_AWS_CREDENTIALS_CHECK')) return 'the environment of this machine (REMOTION_SKIP_AWS_CREDENTIALS_CHECK)';
  for (const prefix of ['REMOTION_AWS', 'AWS']) {
    const id = set(env, `${prefix}_ACCESS_KEY_ID`);
    const secret = set(env, `${prefix}_SECRET_ACCESS_KEY`);
    if (id && secret) return `${prefix}_ACCESS_KEY_ID / ${prefix}_SECRET_ACCESS_KEY`;
    if (id !== secret) {
      const missing = id ? `${prefix}_SECRET_ACCESS_KEY` : `${prefix}_ACCESS_KEY_ID`;
      throw new StillmotionError(`AWS credentials: ${missing} is not set (${id ? `${prefix}_ACCESS_KEY_ID` : `${prefix}_SECRET_ACCESS_KEY`} is); set both`);
    }
  }
  if (set(env, 'REMOTION_AWS_PROFILE')) return 'the profile in REMOTION_AWS_PROFILE';
  if (set(env, 'AWS_PROFILE')) return 'the profile in AWS_PROFILE';
  if (hasDefaultProfile(env)) return 'the [default] profile in ~/.aws/credentials';
  throw new StillmotionError(
    'No AWS credentials for Remotion Lambda: set REMOTION_AWS_ACCESS_KEY_ID and REMOTION_AWS_SECRET_ACCESS_KEY ' +
      '(or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile in REMOTION_AWS_PROFILE / AWS_PROFILE). ' +
      'The user needs the policy `npx remotion lambda policies user` prints; see https://www.remotion.dev/docs/lambda/setup',
  );
}
