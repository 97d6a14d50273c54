/**
 * What a tier-3 section asks the AI provider for: the section text as the prompt, with the camera
 * direction and a request to keep the image's style (image-to-video models drift otherwise), and a
 * seed derived from the section id where the provider takes one (so re-planning gives the same clip
 * and a cache hit).
 */
import type { ClipSpec } from '../plan/schema';
import type { ArcRole } from './arc-types';
import { supportsSeed, type ClipChoice } from './section-costs';

/** FNV-1a of the id, as a non-negative 31-bit seed. */
export function seedFor(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % 2_147_483_647;
}

export function clipPrompt(text: string, role: ArcRole): string {
  const camera = role === 'climax' ? 'the camera pushes in with the action' : role === 'reveal' ? 'the camera moves slowly to reveal the scene' : 'the camera drifts slowly';
  const what = text.trim() || 'Subtle, natural motion of the scene.';
  return `${what} Natural, physically plausible motion; ${camera}; keep the composition, lighting and style of the image.`;
}

export function clipSpecFor(id: string, text: string, role: ArcRole, clip: ClipChoice): ClipSpec {
  return {
    provider: clip.provider,
    model: clip.model,
    prompt: clipPrompt(text, role),
    ...(supportsSeed(clip.provider) ? { seed: seedFor(id) } : {}),
  };
}
