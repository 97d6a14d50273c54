/**
 * Points the real @remotion/lambda client and Stillmotion's S3 client at loopback servers through
 * the variables the AWS SDK honours (AWS_ENDPOINT_URL_<SERVICE>), with s3rver's credentials in
 * REMOTION_AWS_*; everything else AWS-related is cleared so nothing on this machine leaks in.
 * Returns a function that restores the previous environment.
 */
import { startS3, type RunningS3 } from '../cache/s3rver';
import { startAwsStandIn, type AwsStandIn } from './aws-stand-in';

export const BUCKET = 'remotionlambda-useast1-stillmotion';
export const FUNCTION_NAME = 'remotion-render-4-0-527-mem2048mb-disk2048mb-240sec';
export const SERVE_URL = `https://${BUCKET}.s3.us-east-1.amazonaws.com/sites/stillmotion/index.html`;

const VARS = [
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_LAMBDA',
  'AWS_ENDPOINT_URL_S3',
  'AWS_ENDPOINT_URL_STS',
  'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_REGION',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_CONFIG_FILE',
  'REMOTION_AWS_ACCESS_KEY_ID',
  'REMOTION_AWS_SECRET_ACCESS_KEY',
  'REMOTION_AWS_SESSION_TOKEN',
  'REMOTION_AWS_PROFILE',
  'REMOTION_AWS_REGION',
  'REMOTION_SKIP_AWS_CREDENTIALS_CHECK',
  'REMOTION_LICENSE_KEY',
  'STILLMOTION_LAMBDA_REGION',
  'STILLMOTION_LAMBDA_FUNCTION',
  'STILLMOTION_LAMBDA_BUCKET',
  'STILLMOTION_LAMBDA_SERVE_URL',
  'STILLMOTION_LAMBDA_CONFIG',
];

export interface LoopbackAws {
  s3: RunningS3;
  aws: AwsStandIn;
  close(): Promise<void>;
}

export async function startLoopbackAws(): Promise<LoopbackAws> {
  const s3 = await startS3(BUCKET);
  const aws = await startAwsStandIn(s3.endpoint);
  const saved = Object.fromEntries(VARS.map((v) => [v, process.env[v]]));
  for (const v of VARS) delete process.env[v];
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_LAMBDA: aws.endpoint,
    AWS_ENDPOINT_URL_STS: aws.endpoint,
    AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: aws.endpoint,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    REMOTION_AWS_ACCESS_KEY_ID: 'S3RVER',
    REMOTION_AWS_SECRET_ACCESS_KEY: 'S3RVER',
    // No ~/.aws of this machine: profiles and config come from nowhere.
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    AWS_CONFIG_FILE: '/nonexistent/config',
  });
  return {
    s3,
    aws,
    close: async () => {
      for (const v of VARS) {
        if (saved[v] === undefined) delete process.env[v];
        else process.env[v] = saved[v];
      }
      await aws.close();
      await s3.close();
    },
  };
}
