/** `stillmotion schema`: writes plan.schema.json (JSON Schema of the plan) for editor autocompletion. */
import type { Command } from 'commander';
import { z } from 'zod';
import { writeFileAtomic } from '../../fs/atomic-write';
import { planSchema } from '../../plan/schema';

export function planJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(planSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://stillmotion.dev/plan.schema.json',
    title: 'Stillmotion motion plan',
  };
}

export function register(program: Command): void {
  program
    .command('schema')
    .description('Write the plan\'s JSON Schema (for editor autocompletion and validation)')
    .option('--out <file>', 'output file (default: print to stdout)')
    .action(async (o: { out?: string }) => {
      const text = `${JSON.stringify(planJsonSchema(), null, 2)}\n`;
      if (o.out) await writeFileAtomic(o.out, text);
      else process.stdout.write(text);
    });
}
