/** `stillmotion cache ls|stats|prune`: the tier-3 clip cache (local directory or S3-compatible store). */
import type { Command } from 'commander';
import { cacheStats, openClipCache, pruneCache, type ClipCache, type ClipEntry } from '../../cache/clip-cache';
import { formatUsd } from '../../cost/prices';
import { StillmotionError } from '../../errors';

interface CommonOpts {
  dir?: string;
  backend?: string;
  json?: boolean;
}

function open(o: CommonOpts): ClipCache {
  if (o.backend && o.backend !== 'local' && o.backend !== 's3') throw new StillmotionError(`--backend must be local or s3, not ${o.backend}`);
  try {
    return openClipCache({ dir: o.dir, backend: o.backend as 'local' | 's3' | undefined });
  } catch (err) {
    throw new StillmotionError((err as Error).message);
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function line(e: ClipEntry): string {
  return `${e.key.slice(0, 12)}  ${e.createdAt.slice(0, 19).replace('T', ' ')}  ${e.provider}/${e.model}  ${e.durationSec}s ${e.aspect}  ${mb(e.bytes)}  ${formatUsd(e.costUsd)}`;
}

function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)b?$/i.exec(s.trim());
  if (!m) throw new StillmotionError(`--max-size: cannot read "${s}" (e.g. 500MB, 2GB)`);
  const mult = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Number(m[1]) * mult;
}

export function register(program: Command): void {
  const cache = program.command('cache').description('Inspect and prune the AI clip cache (tier 3)');
  const common = (c: Command) =>
    c
      .option('--dir <dir>', 'local cache directory (default .stillmotion/cache, or STILLMOTION_CACHE_DIR)')
      .option('--backend <local|s3>', 'cache backend (default s3 when STILLMOTION_CACHE_S3_BUCKET is set)')
      .option('--json', 'machine-readable output');

  common(cache.command('ls').description('List cached clips')).action(async (o: CommonOpts) => {
    const c = open(o);
    const entries = await c.list();
    if (o.json) return void process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    if (!entries.length) return void process.stdout.write(`No cached clips in ${c.description}\n`);
    process.stdout.write(`${entries.map(line).join('\n')}\n`);
  });

  common(cache.command('stats').description('Count, size and cost of cached clips')).action(async (o: CommonOpts) => {
    const c = open(o);
    const s = cacheStats(await c.list());
    if (o.json) return void process.stdout.write(`${JSON.stringify({ backend: c.description, ...s }, null, 2)}\n`);
    const lines = [`${c.description}: ${s.entries} clip${s.entries === 1 ? '' : 's'}, ${mb(s.bytes)}, ${formatUsd(s.costUsd)} of generation kept`];
    for (const [p, v] of Object.entries(s.byProvider)) lines.push(`  ${p}: ${v.entries}, ${mb(v.bytes)}, ${formatUsd(v.costUsd)}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  });

  common(cache.command('prune').description('Remove cached clips by age and/or total size (oldest first)'))
    .option('--older-than <days>', 'remove clips older than this many days')
    .option('--max-size <size>', 'then remove oldest clips until the cache is under this size (e.g. 2GB)')
    .option('--all', 'remove every cached clip')
    .option('--dry-run', 'only show what would be removed')
    .action(async (o: CommonOpts & { olderThan?: string; maxSize?: string; all?: boolean; dryRun?: boolean }) => {
      if (o.olderThan === undefined && o.maxSize === undefined && !o.all)
        throw new StillmotionError('cache prune: give --older-than <days>, --max-size <size> or --all');
      const days = o.olderThan !== undefined ? Number(o.olderThan) : undefined;
      if (days !== undefined && !(days >= 0)) throw new StillmotionError(`--older-than: not a number of days: ${o.olderThan}`);
      const c = open(o);
      const removed = await pruneCache(c, { olderThanDays: days, maxBytes: o.maxSize ? parseSize(o.maxSize) : undefined, all: o.all, dryRun: o.dryRun });
      if (o.json) return void process.stdout.write(`${JSON.stringify({ dryRun: !!o.dryRun, removed }, null, 2)}\n`);
      const bytes = removed.reduce((s, e) => s + Math.max(0, e.bytes), 0);
      process.stdout.write(`${o.dryRun ? 'Would remove' : 'Removed'} ${removed.length} clip${removed.length === 1 ? '' : 's'} (${mb(bytes)}) from ${c.description}\n`);
    });
}
