/** The whole analysis of decoded mono samples (pure: no I/O). */
import { detectDownbeats } from './downbeats';
import { detectDynamics } from './dynamics';
import { frameRms, melFrames } from './frame-features';
import { overlapSeconds } from './intervals';
import { loudnessCurve } from './loudness-curve';
import { powerPrefix } from './power-prefix';
import { detectOnsets, refinePeak } from './onset-detection';
import { onsetEnvelope } from './onset-envelope';
import { highBandFlux, withBand } from './high-band-flux';
import { detectSilences, detectSpeechPauses, levelsDb } from './pause-detection';
import { activeWindowPeriodicity, rhythmicSections, rhythmicWindows, windowPeriodicity } from './rhythmic-sections';
import { estimateTempo } from './tempo-estimate';
import { tempogram } from './tempogram';
import { hmmBeats } from './beat-hmm';
import { LEVEL_WIDTH, resolveMetricalLevel, TRANSITION_LAMBDA } from './metrical-level';
import { trimUnsupported } from './beat-tracker';
import { choosePhaseInRuns, harmonyFrames } from './beat-phase';
import type { AudioAnalysis, Interval } from './types';

export interface SignalAnalysis extends AudioAnalysis {
  /** Rhythmic sections (where beats may be), for plots and diagnostics. */
  rhythmicSections: Interval[];
}

export function analyzeSignal(samples: Float32Array, sampleRate: number, sourceSampleRate = sampleRate): SignalAnalysis {
  const duration = samples.length / sampleRate;
  const mel = melFrames(samples, sampleRate);
  const env = onsetEnvelope(mel);
  // Frames are centred on multiples of the spectrum hop at half the rate: twice that here.
  const high = highBandFlux(samples, Math.round((mel.hop * sampleRate) / mel.sampleRate), env.strength.length, env.frameSeconds);
  const beatEnv = withBand(env.strength, high);
  const fs = env.frameSeconds;
  // Envelope peaks sit on the attacks (click tracks: beat errors within +-10 ms, centred on 0),
  // so frame times need no latency correction.
  const clampT = (t: number) => Math.min(duration, Math.max(0, t));

  const tg = tempogram(env.strength, fs);
  // The kick drum's own periodicity counts too: in busy arrangements (piano, comping, strings)
  // the all-band envelope can hide a steady drum part that the low bands show plainly.
  const tgLow = tempogram(env.low, fs);
  // So do hi-hats and ride (> 5 kHz): a drum kit of real-instrument samples under piano, bass and
  // strings often keeps time only up there (real-music bench: 0.4-0.5 there, 0.15-0.2 in all bands).
  const tgHigh = tempogram(high, fs);
  const judge = (lag?: number) => {
    const all = windowPeriodicity(tg, lag);
    const low = windowPeriodicity(tgLow, lag);
    const hi = activeWindowPeriodicity(tgHigh, lag);
    return all.map((v, w) => Math.max(v, low[w]!, hi[w]!));
  };
  const flags = rhythmicWindows(tg, judge());
  const tempo = estimateTempo(env.strength, env.body, tg, flags.flatMap((f, w) => (f ? [w] : [])));
  let beatFrames: number[][] = [];
  let sections: Interval[] = [];
  /** Beat tempo tracked (the estimate, or the metrical level that explains the onsets better). */
  let bpm = tempo?.bpm ?? 0;
  if (tempo) {
    // Re-judge rhythm at the chosen tempo (a window may be periodic at some other rate).
    const atTempo = rhythmicWindows(tg, judge(tempo.period));
    const spans = rhythmicSections(tg, atTempo, env.strength.length);
    const phaseCues = { strength: env.strength, low: env.low, harmony: harmonyFrames(mel) };
    // After the phase check a beat may be marked by the kick and bass alone (a swung note louder
    // than the beat): their band supports a beat in the trim too.
    const support = [env.strength, env.low];
    // The metrical level, then beats and tempo changes jointly (HMM), the phase checked on harmony.
    const longest = spans.reduce((x, y) => (y.to - y.from > x.to - x.from ? y : x), spans[0] ?? { from: 0, to: 0 });
    if (spans.length) bpm = resolveMetricalLevel(beatEnv, fs, longest, tempo.bpm);
    const track = (sp: { from: number; to: number }) => {
      const hb = hmmBeats(beatEnv, fs, sp.from, sp.to, { minBpm: bpm / LEVEL_WIDTH, maxBpm: bpm * LEVEL_WIDTH, transitionLambda: TRANSITION_LAMBDA });
      // Whole envelope frames (refined between frames below), one beat per frame, each with the
      // tracker's interval there.
      const interval = new Map<number, number>();
      hb.beats.forEach((x, i) => {
        const f = Math.round(x);
        if (!interval.has(f)) interval.set(f, hb.intervals[i]!);
      });
      const frames = [...interval.keys()];
      // Trimmed before the phase check too: the HMM puts beats through a silent lead-in, and the
      // spectral jump into the music there would count in the harmony cue.
      const kept = trimUnsupported(env.strength, frames);
      return trimUnsupported(support, choosePhaseInRuns(kept, kept.map((f) => interval.get(f)!), phaseCues, sp.to));
    };
    beatFrames = spans
      .map(track)
      .filter((b) => b.length > 0);
    sections = spans.map((sp) => ({ start: sp.from * fs, end: sp.to * fs }));
  }
  const beats = beatFrames.flat().map((f) => clampT(refinePeak(env.strength, f) * fs));
  const downFrames = beats.length ? detectDownbeats(beatFrames, env.low, mel) : null;
  const downbeats = downFrames ? downFrames.flat().map((f) => clampT(refinePeak(env.strength, f) * fs)) : null;
  const onsets = detectOnsets(env).map(clampT);

  const power = powerPrefix(samples);
  const rms = frameRms(samples, sampleRate, undefined, undefined, power);
  const db = levelsDb(rms);
  const rmsSeconds = rms.hop / sampleRate;
  const silences = detectSilences(db, rmsSeconds, samples, sampleRate);
  // Pauses inside music are not speech pauses.
  const speechPauses = detectSpeechPauses(db, rmsSeconds, samples, sampleRate).filter((p) => overlapSeconds(p, sections) < 0.5 * (p.end - p.start));
  const loudness = loudnessCurve(samples, sampleRate, undefined, undefined, power);
  // Smooth over about a bar so the bar's own loud/soft pattern is not taken for a crescendo.
  const barSeconds = tempo && beats.length ? Math.min(3, Math.max(1, (4 * 60) / bpm)) : 1;
  const { crescendos, swells } = detectDynamics(loudnessCurve(samples, sampleRate, barSeconds, undefined, power), silences);

  return {
    duration,
    sampleRate: sourceSampleRate,
    tempo: beats.length && tempo ? refinedTempo(beatFrames, fs, 60 / (bpm * fs)) ?? bpm : null,
    beats,
    downbeats,
    onsets,
    silences,
    speechPauses,
    crescendos,
    swells,
    loudness,
    rhythmicSections: sections,
  };
}

/**
 * Tempo from the tracked beats themselves (mean inter-beat interval over steady runs): finer than
 * the autocorrelation lag, which is quantised to envelope frames (~1% at 96 BPM).
 */
function refinedTempo(beatFrames: number[][], frameSeconds: number, period: number): number | null {
  let span = 0;
  let count = 0;
  for (const section of beatFrames) {
    for (let i = 1; i < section.length; i++) {
      const d = section[i]! - section[i - 1]!;
      if (d >= 0.7 * period && d <= 1.3 * period) {
        span += d;
        count++;
      }
    }
  }
  return count >= 4 ? 60 / ((span / count) * frameSeconds) : null;
}
