/**
 * Who can read a Lambda render's output: 'public' (a public-read object, Remotion's default),
 * 'private' (a presigned download URL), 'no-acl'. Its own module so the CLI can check `--privacy`
 * without loading the Lambda client.
 */
export const LAMBDA_PRIVACY = ['public', 'private', 'no-acl'] as const;
export type LambdaPrivacy = (typeof LAMBDA_PRIVACY)[number];
