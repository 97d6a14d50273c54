import { staticFile } from 'remotion';

/** A plan's file reference as a URL the browser can load: URLs as they are, paths from Studio's public folder. */
export function assetUrl(ref: string): string {
  if (/^(https?:|data:|blob:)/i.test(ref)) return ref;
  return staticFile(ref.replace(/^\.\//, ''));
}
