/**
 * Word timings for every narrated section of a plan (what `prepareAssets` puts into the media as
 * `captions`, per narration reference): the plan's source (align by default), a transcription
 * where a section has narration but no text and an OpenAI key is set, and on any failure a warning
 * naming the section, then the aligner where there is text to align, else no captions for it.
 */
import type { Plan, NarrationCaptions } from '../plan/schema';
import { DEFAULT_CAPTION_SOURCE, type CaptionSource } from './caption-settings';
import { cachedWordTimings, wordTimer, type WordTimingOptions } from './timings/word-timings';

export interface NarrationCaptionOptions extends WordTimingOptions {
  /** Only these sections (a preview of a frame range); default all. */
  sectionIds?: Set<string>;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  onLog?: (message: string) => void;
}

/** Whether a plan shows captions at all (they are on unless `captions: false`). */
export function captionsOn(plan: Pick<Plan, 'captions'>): boolean {
  return plan.captions !== false;
}

export async function prepareNarrationCaptions(
  plan: Pick<Plan, 'captions' | 'sections'>,
  audioFile: (ref: string) => string,
  opts: NarrationCaptionOptions = {},
): Promise<Record<string, NarrationCaptions>> {
  const out: Record<string, NarrationCaptions> = {};
  if (!captionsOn(plan)) return out;
  const log = opts.onLog ?? (() => undefined);
  const env = opts.env ?? process.env;
  const planned: CaptionSource = (plan.captions || undefined)?.source ?? DEFAULT_CAPTION_SOURCE;
  const timingOpts: WordTimingOptions = { ...opts, openai: { env, ...opts.openai }, whisperCpp: { env, ...opts.whisperCpp } };
  for (const [i, s] of plan.sections.entries()) {
    if (!s.narration || s.captions === false || out[s.narration] || (opts.sectionIds && !opts.sectionIds.has(s.id))) continue;
    const who = `sections[${i}] "${s.id}"`;
    const text = s.text?.trim() || undefined;
    let source = planned;
    if (!text && wordTimer(source, timingOpts).needsText) {
      if (!env.OPENAI_API_KEY) {
        log(`warning: ${who}: captions: no text to align the narration with, so no captions (give the section a text, or set captions.source to openai or whisper-cpp)`);
        continue;
      }
      source = 'openai';
      log(`${who}: captions: no text; transcribing the narration with openai`);
    }
    const request = { audioFile: audioFile(s.narration), text, label: `${who} (${s.narration})`, signal: opts.signal };
    try {
      const t = await cachedWordTimings(wordTimer(source, timingOpts), request, timingOpts);
      for (const w of t.warnings) log(`warning: ${who}: captions: ${w}`);
      out[s.narration] = { level: t.level, source: t.source, captions: t.captions };
      if (!t.cached) log(`captions ${s.id}: ${t.captions.length} ${t.level === 'word' ? 'words' : 'cues'} (${t.source})`);
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      const why = (err as Error).message;
      if (source === 'align' || !text) {
        log(`warning: ${who}: ${why}; no captions for this section`);
        continue;
      }
      log(`warning: ${who}: ${why}; aligning the section text instead`);
      const t = await cachedWordTimings(wordTimer('align', timingOpts), request, timingOpts);
      for (const w of t.warnings) log(`warning: ${who}: captions: ${w}`);
      out[s.narration] = { level: t.level, source: t.source, captions: t.captions };
    }
  }
  return out;
}
