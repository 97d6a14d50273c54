/**
 * What a tier-3 section asks the AI provider for: the camera direction and a request to keep the
 * image's style (image-to-video models drift otherwise) FIRST, then the section text; a provider
 * whose prompt limit is shorter than that cuts from the end at a word boundary
 * (src/providers/prompt-fit.ts), so the direction always survives. A seed derived from the section
 * id where the provider takes one (so re-planning gives the same clip and a cache hit), and the
 * model and mode as separate fields.
 */
import type { ClipSpec } from '../plan/schema';
import { splitModelMode, type ClipMode } from '../providers/model-mode';
import type { ArcRole } from './arc-types';
import { supportsSeed, type ClipChoice } from './section-costs';

/** FNV-1a of the id, as a non-negative 31-bit seed. */
function seedFor(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % 2_147_483_647;
}

export function clipPrompt(text: string, role: ArcRole): string {
  const camera = role === 'climax' ? 'the camera pushes in with the action' : role === 'reveal' ? 'the camera moves slowly to reveal the scene' : 'the camera drifts slowly';
  const what = text.replace(/\s+/g, ' ').trim() || 'Subtle, natural motion of the scene.';
  return `${camera[0]!.toUpperCase()}${camera.slice(1)}; natural, physically plausible motion; keep the composition, lighting and style of the image. ${what}`;
}

export function clipSpecFor(id: string, text: string, role: ArcRole, clip: ClipChoice): ClipSpec {
  const { model, mode } = splitModelMode(clip.model, clip.mode);
  return {
    provider: clip.provider,
    model,
    ...(mode ? { mode: mode as ClipMode } : {}),
    prompt: clipPrompt(text, role),
    ...(supportsSeed(clip.provider) ? { seed: seedFor(id) } : {}),
  };
}
