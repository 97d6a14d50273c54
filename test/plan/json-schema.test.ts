import { promises as fs } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planJsonSchema } from '../../src/cli/commands/schema';
import { loadPlanFile } from '../../src/plan/load-plan';

describe('plan.schema.json', () => {
  it('is generated from the zod schema and up to date (run `npm run schema` after changing src/plan/schema.ts)', async () => {
    const onDisk = JSON.parse(await fs.readFile('plan.schema.json', 'utf8'));
    expect(onDisk).toEqual(planJsonSchema());
    expect(onDisk.properties.sections.items.properties).toHaveProperty('motion');
  });

  it('the example plan is valid and its files decode', async () => {
    const loaded = await loadPlanFile('examples/launch-day/plan.json');
    expect(loaded.plan.sections).toHaveLength(7);
    expect(Object.keys(loaded.images)).toHaveLength(5);
    expect(Object.keys(loaded.audio)).toHaveLength(8);
  });
});
