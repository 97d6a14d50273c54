/** Provider registry: construct by id, and tell which providers have their keys. */
import type { ProviderOptions } from './base';
import { HaiperProvider } from './haiper';
import { KlingProvider } from './kling';
import { LumaProvider } from './luma';
import { RunwayProvider } from './runway';
import type { ClipProvider, ProviderId } from './types';

export function createProvider(id: ProviderId, opts: ProviderOptions = {}): ClipProvider {
  switch (id) {
    case 'luma':
      return new LumaProvider(opts);
    case 'runway':
      return new RunwayProvider(opts);
    case 'kling':
      return new KlingProvider(opts);
    case 'haiper':
      return new HaiperProvider(opts);
  }
}

const PROVIDER_KEY_VARS: Record<ProviderId, string[]> = {
  luma: ['LUMA_API_KEY'],
  runway: ['RUNWAYML_API_SECRET'],
  kling: ['KLING_ACCESS_KEY', 'KLING_SECRET_KEY'],
  haiper: ['HAIPER_API_KEY'],
};

/** null when the provider's keys are present (env or options), else the reason, e.g. "no LUMA_API_KEY". */
export function missingKeyReason(id: ProviderId, env: NodeJS.ProcessEnv = process.env, opts: ProviderOptions = {}): string | null {
  const fromOpts: Record<string, string | undefined> =
    id === 'kling' ? { KLING_ACCESS_KEY: opts.accessKey, KLING_SECRET_KEY: opts.secretKey } : { [PROVIDER_KEY_VARS[id][0]!]: opts.apiKey };
  const missing = PROVIDER_KEY_VARS[id].filter((v) => !(fromOpts[v] || env[v]));
  return missing.length ? `no ${missing.join(' / ')}` : null;
}
