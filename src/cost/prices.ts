/**
 * THE price table: every cost Stillmotion estimates comes from here. Edit it when providers change
 * their prices (USD; checked 2026-11-24 against public pricing pages; indicative, not a quote).
 * A clip model is priced either per second of output or per clip by duration (seconds). A model
 * with generation modes (Kling std/pro) lists a price per mode under `modes`, keyed exactly as the
 * request's mode field; its first mode is the provider's default.
 */
import { splitModelMode } from '../providers/model-mode';

export interface ClipPrice {
  perSecondUsd?: number;
  perClipUsd?: Record<number, number>;
  note?: string;
}

export interface ModelPrice extends ClipPrice {
  modes?: Record<string, ClipPrice>;
}

export interface PriceTable {
  clips: Record<string, Record<string, ModelPrice>>;
  depth: Record<string, { perImageUsd: number; note?: string }>;
}

export const PRICE_TABLE: PriceTable = {
  clips: {
    luma: {
      // Billed per pixel ($0.0064 / million pixels): 720p, 24 fps (the resolution Stillmotion asks for).
      'ray-2': { perClipUsd: { 5: 0.71, 9: 1.28 }, note: '720p; 540p is $0.40 / 5 s, 1080p $1.59 / 5 s' },
      'ray-flash-2': { perClipUsd: { 5: 0.24, 9: 0.43 }, note: '720p' },
    },
    runway: {
      // Any whole duration from 2 to 10 s, billed per second.
      gen4_turbo: { perSecondUsd: 0.05, note: '5 credits/s at $0.01 a credit' },
    },
    kling: {
      // API resource units at ~$0.14. The mode is the request's `mode` field (plan: clip.mode).
      'kling-v2-1': {
        modes: {
          std: { perClipUsd: { 5: 0.28, 10: 0.56 }, note: 'std mode (720p)' },
          pro: { perClipUsd: { 5: 0.49, 10: 0.98 }, note: 'pro mode (1080p)' },
        },
      },
    },
    haiper: {
      gen2: { perSecondUsd: 0.05, note: 'legacy: last published API price, unverified' },
    },
  },
  depth: {
    hosted: { perImageUsd: 0.02, note: 'hosted depth estimation, per image' },
  },
};

/**
 * Estimated USD for one clip, or null when the table has no price for it. `mode` defaults to the
 * model's first listed mode; the old "model:mode" spelling is read as model + mode.
 */
export function estimateClipCost(provider: string, model: string, durationSec: number, table: PriceTable = PRICE_TABLE, mode?: string): number | null {
  const split = splitModelMode(model, mode);
  const entry = table.clips[provider]?.[split.model];
  if (!entry) return null;
  let p: ClipPrice | undefined = entry;
  if (entry.modes) p = entry.modes[split.mode ?? Object.keys(entry.modes)[0]!];
  else if (split.mode) return null; // a mode the table does not price
  if (!p) return null;
  const perClip = p.perClipUsd?.[durationSec];
  if (perClip !== undefined) return perClip;
  if (p.perSecondUsd !== undefined) return roundUsd(p.perSecondUsd * durationSec);
  if (p.perClipUsd) {
    // Longest listed duration at or below, scaled up linearly (never underestimates by rounding down).
    const ds = Object.keys(p.perClipUsd).map(Number).sort((a, b) => a - b);
    const base = ds.find((d) => d >= durationSec) ?? ds[ds.length - 1];
    if (base !== undefined) return roundUsd((p.perClipUsd[base]! * Math.max(durationSec, base)) / base);
  }
  return null;
}

export function estimateDepthCost(images: number, backend = 'hosted', table: PriceTable = PRICE_TABLE): number {
  return roundUsd((table.depth[backend]?.perImageUsd ?? 0) * images);
}

export function roundUsd(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/** "$0.25". Remaining budgets are shown rounded down so a message never overstates them. */
export function formatUsd(x: number, mode: 'round' | 'floor' = 'round'): string {
  const cents = mode === 'floor' ? Math.floor(x * 100 + 1e-9) : Math.round(x * 100);
  return `$${(cents / 100).toFixed(2)}`;
}
