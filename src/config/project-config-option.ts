/** The `--config` flag of the commands that read plans (render, make, batch, validate, schema, clips, lambda, studio). */
import type { Command } from 'commander';

export interface ProjectConfigFlags {
  /** A stillmotion.config.(ts|mts|mjs|js) to use instead of the one found beside the plan. */
  config?: string;
}

/** `--config <file>` (the Lambda deploy config is `--lambda-config`). */
export function addProjectConfigOption(c: Command, where = "the plan's folder"): Command {
  return c.option(
    '--config <file>',
    `the project's stillmotion.config.(ts|mts|mjs|js), whose scenes plans may use (default: the first found in ${where} or a folder above it, up to the project root)`,
  );
}
