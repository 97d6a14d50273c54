/**
 * The Remotion entry point Studio opens: the one `render` bundles, so that the preview runs the
 * same compositions. (When the bundle's entry comes to include a project's own scenes from its
 * stillmotion.config, Studio must open that generated entry instead; see src/render/bundle.ts.)
 */
import { ENTRY_POINT } from '../render/bundle';

export function studioEntryPoint(): string {
  return ENTRY_POINT;
}
