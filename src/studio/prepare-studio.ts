/**
 * Loads and prepares a plan for Studio the way `render` prepares it (the same prepareAssets: depth
 * layers, focal points, audio analysis, clips), except that a preview never pays for a clip unless
 * asked: without `generateClips` a tier-3 section shows its cached clip, or falls back a tier with
 * the reason, as it would in a render that could not generate it.
 */
import path from 'node:path';
import type { InputPolicy } from '../net/input-policy';
import { loadPlanFile, type LoadedPlan } from '../plan/load-plan';
import { prepareAssets, type PreparedAssets } from '../render/prepare-assets';

export interface PrepareStudioOptions {
  cacheDir: string;
  policy?: Partial<InputPolicy>;
  /** Folders besides the plan's own that its files may be in (a story's folder). */
  roots?: string[];
  /** Generate missing tier-3 clips (paid); default: cached clips only. */
  generateClips?: boolean;
  /** USD cap for generated clips (overrides the plan's `budget`). */
  budgetUsd?: number;
  signal?: AbortSignal;
  onLog?: (message: string) => void;
}

export interface PreparedStudio {
  loaded: LoadedPlan;
  assets: PreparedAssets;
}

/** Validates the plan and its files (throwing with every problem named), then prepares its assets. */
export async function prepareStudio(planPath: string, o: PrepareStudioOptions): Promise<PreparedStudio> {
  const cacheDir = path.resolve(o.cacheDir);
  const loaded = await loadPlanFile(planPath, { cacheDir, policy: o.policy, roots: o.roots });
  const assets = await prepareAssets(loaded, {
    cacheDir,
    budgetUsd: o.budgetUsd,
    // A dry run of the clip step still uses every cached clip; it only never generates one.
    dryRun: !o.generateClips,
    signal: o.signal,
    onLog: o.onLog,
  });
  if (!o.generateClips) {
    // The dry run's reason ("would generate ...") is the fallback shown in the preview: say why.
    for (const r of assets.clipResults) {
      if (r.file || r.status === 'fallback') continue;
      const notes = assets.notes[r.sectionId] ?? [];
      assets.notes[r.sectionId] = notes.map((n) => (n === r.reason ? `no cached clip; Studio generates none without --generate-clips (${n})` : n));
    }
  }
  return { loaded, assets };
}
