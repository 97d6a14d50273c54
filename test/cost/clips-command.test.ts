/** `stillmotion clips --dry-run`: the table a user sees before spending money. */
import { Command } from 'commander';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { register } from '../../src/cli/commands/clips';
import { tempDir, writePlan, writeSolidImage } from '../helpers/fixtures';

async function runClips(args: string[], env: Record<string, string | undefined>): Promise<string> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  }) as typeof process.stdout.write;
  try {
    const program = new Command();
    program.exitOverride();
    register(program);
    await program.parseAsync(['clips', ...args], { from: 'user' });
  } finally {
    process.stdout.write = write;
    process.env = saved;
  }
  return out;
}

describe('stillmotion clips', () => {
  it('estimates each tier-3 clip, shows fallbacks with reasons, and generates nothing on --dry-run', async () => {
    const dir = await tempDir();
    await writeSolidImage(path.join(dir, 'a.png'), 64, 36, [50, 60, 70]);
    const plan = await writePlan(dir, {
      title: 'T',
      budget: 0.3,
      sections: [
        { id: 'calm', image: 'a.png', duration: 5 },
        { id: 'climax', image: 'a.png', tier: 3, duration: 5, clip: { provider: 'runway' } },
        { id: 'kling', image: 'a.png', tier: 3, duration: 5, clip: { provider: 'kling' } },
        { id: 'again', image: 'a.png', tier: 3, duration: 5, clip: { provider: 'runway', prompt: 'something else' } },
      ],
    });
    const out = await runClips([plan, '--dry-run', '--cache', path.join(dir, 'cache')], {
      RUNWAYML_API_SECRET: 'k',
      KLING_ACCESS_KEY: undefined,
      KLING_SECRET_KEY: undefined,
    });
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^section\s+provider\s+cache\s+waited\s+cost\s+note$/);
    expect(lines[1]).toMatch(/^climax\s+runway\/gen4_turbo\s+miss\s+0\.0 s\s+\$0\.25/);
    expect(lines[2]).toMatch(/^kling\s+kling\/\S+\s+fallback\s+.*no KLING_ACCESS_KEY/);
    // $0.25 + $0.25 would exceed the $0.30 budget: the second Runway clip falls back.
    expect(lines[3]).toMatch(/^again\s+runway\/gen4_turbo\s+fallback\s+.*budget/);
    expect(lines[4]).toBe('estimated: $0.25');
  });
});
