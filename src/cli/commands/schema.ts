/**
 * `stillmotion schema`: writes plan.schema.json (JSON Schema of the plan) for editor autocompletion;
 * with a project config (stillmotion.config.* here or above, or --config), its scene types too.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { useProjectConfig } from '../../config/load-config';
import { addProjectConfigOption, type ProjectConfigFlags } from '../../config/project-config-option';
import { writeFileAtomic } from '../../fs/atomic-write';
import { planSchemaFor } from '../../plan/plan-schema-for';
import type { SceneDefinition } from '../../scenes/define-scene';
import { BUILT_IN_SCENES } from '../../scenes/built-in-scenes';

/** The JSON Schema of plans that may use `scenes` (default: the built-in ones). */
export function planJsonSchema(scenes: readonly SceneDefinition[] = BUILT_IN_SCENES): Record<string, unknown> {
  return {
    ...z.toJSONSchema(planSchemaFor(scenes), { io: 'input', unrepresentable: 'any' }),
    $id: 'https://stillmotion.dev/plan.schema.json',
    title: 'Stillmotion motion plan',
  };
}

export function register(program: Command): void {
  addProjectConfigOption(
    program
      .command('schema')
      .description("Write the plan's JSON Schema (for editor autocompletion and validation), with the project's own scene types")
      .option('--out <file>', 'output file (default: print to stdout)'),
    'the current folder',
  ).action(async (o: { out?: string } & ProjectConfigFlags) => {
    const config = await useProjectConfig({ file: o.config, searchFrom: process.cwd() });
    const text = `${JSON.stringify(planJsonSchema(config ? [...BUILT_IN_SCENES, ...config.scenes] : BUILT_IN_SCENES), null, 2)}\n`;
    if (o.out) await writeFileAtomic(o.out, text);
    else process.stdout.write(text);
  });
}
