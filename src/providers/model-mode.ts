/**
 * Generation modes (Kling: `std` / `pro`) are their own field in the plan (`clip.mode`), the price
 * table and the request, never part of the model name. Older plans and price tables wrote the mode
 * into the model ("kling-v2-1:pro"); splitModelMode turns that spelling into the two fields, so a
 * plan, its price and its request always agree.
 */

export const CLIP_MODES = ['std', 'pro'] as const;
export type ClipMode = (typeof CLIP_MODES)[number];

function isClipMode(s: string | undefined): s is ClipMode {
  return (CLIP_MODES as readonly string[]).includes(s ?? '');
}

/**
 * "kling-v2-1:pro" -> {model: "kling-v2-1", mode: "pro"}; a model without a mode suffix is returned
 * as it is with `mode` (possibly undefined). A suffix that is not a mode is left in the model name
 * (the provider refuses it with its own message). Throws when the suffix and `mode` disagree.
 */
export function splitModelMode(model: string, mode?: string): { model: string; mode?: string } {
  const i = model.lastIndexOf(':');
  const suffix = i > 0 ? model.slice(i + 1) : undefined;
  if (!isClipMode(suffix)) return { model, ...(mode ? { mode } : {}) };
  if (mode && mode !== suffix) throw new Error(`model "${model}" says mode ${suffix} but mode is "${mode}": write the model as "${model.slice(0, i)}" and the mode as its own field`);
  return { model: model.slice(0, i), mode: suffix };
}

/** How a model and mode are shown (and told apart in cache keys and the ledger): "kling-v2-1 (pro)". */
export function modelLabel(model: string, mode?: string): string {
  return mode ? `${model} (${mode})` : model;
}

/**
 * The model and mode a request runs with, for a provider with `modes` (default first; none: the
 * provider has no modes): the "model:mode" spelling split, the mode checked, the default filled in.
 * Throws an Error naming clip.mode when the mode is not one of the provider's.
 */
export function resolveModelMode(p: { label: string; defaultModel: string; modes?: readonly string[] }, model?: string, mode?: string): { model: string; mode?: string } {
  const r = splitModelMode(model ?? p.defaultModel, mode);
  if (!p.modes?.length) {
    if (r.mode) throw new Error(`${p.label} has no generation modes: remove clip.mode "${r.mode}"`);
    return r;
  }
  const m = r.mode ?? p.modes[0]!;
  if (!p.modes.includes(m)) throw new Error(`clip.mode "${m}" is not one of ${p.modes.join(', ')}`);
  return { model: r.model, mode: m };
}

/** The model as cache keys and the ledger record it: the mode appears only when it is not the default. */
export function modelKey(p: { modes?: readonly string[] }, model: string, mode?: string): string {
  return mode && mode !== p.modes?.[0] ? modelLabel(model, mode) : model;
}
