/**
 * `align`: the section text is what its narration says; its words are placed on the narration's
 * speech. Stretches of speech between pauses come from the audio analysis (speech-runs.ts); the
 * words are shared out between stretches by how long they take to say (syllables) and where the
 * text has punctuation, then placed inside each stretch by dynamic programming: word lengths stay
 * near their syllable share while boundaries fall into the dips of the level envelope (the small
 * silences and consonant closures between words) and each word holds about as many syllable
 * nuclei (align-nuclei.ts) as it has syllables, which is what separates words that run into each
 * other without a pause; a pause falls after a punctuated word where it can, and English function
 * words are expected short. Measured on real speech against an independent forced aligner by
 * bench/align-real.ts, on synthesised speech with exact onsets by the tests. Where the text and the speech clearly disagree
 * (far more or fewer syllables than the speech can hold, no speech at all), the result is
 * section-level cues (cues.ts), with a warning, instead of word timings that would be wrong.
 */
import type { Caption } from '@remotion/captions';
import { decodeAudio } from '../../audio/decode-audio';
import { bandLevels, type BandLevels } from './align-nuclei';
import { cueTimings } from './cues';
import { LEVEL_FRAME, speechRuns, type SpeechRuns } from './speech-runs';
import type { TimingRequest, WordTimer, WordTimings } from './types';
import { LATIN_LETTER, LETTER_WEIGHT, textWords, type TextWord } from './words';

/** Bump when the alignment changes: part of the cache key. */
export const ALIGN_VERSION = 'align-v3';

/** Syllables a second of fluent speech (articulation rate, pauses excluded), and how far off a text may be. */
const NOMINAL_RATE = 4.5;
const RATE_TOLERANCE = 2.4;

/**
 * Weights of the costs (set on espeak-ng narration with known onsets, test/captions/timings-align.test.ts):
 * how far a word's sounding length may stray from its syllable share (log-normal sigma), the reward
 * for a boundary in a dip, what each quiet frame inside a word costs (more past a closure's length),
 * and what each sounding frame left outside every word costs.
 */
const DURATION_SIGMA = 0.45;
const DIP_WEIGHT = 1;
const QUIET_IN_WORD = 0.05;
const LONG_QUIET_IN_WORD = 0.4;
const CLOSURE_FRAMES = 10;
const UNCLAIMED_SOUND = 0.5;
/**
 * Syllable nuclei (align-nuclei.ts): what a word costs per nucleus (squared) that its count strays
 * from its syllables, and what a nucleus left outside every word costs. Set on connected espeak-ng
 * speech (3 voices/speeds, 12 sentences, no gap between words): 1 gave a median word-start error of
 * 39 ms, p90 277 ms (without nuclei: 54 / 342 ms); 3 and more held the median and raised p90, and
 * on the test's 40-word no-gap narration a larger weight drifts further. The vowel band's dips as
 * extra boundary rewards made it worse (median 40-96 ms) and are not used.
 */
const NUCLEI_WEIGHT = 1;
/**
 * A pause the analysis found between two words, after a word the text punctuates, is rewarded: a
 * reader pauses at commas and full stops, so a stretch of speech that ends in a pause should end with
 * a clause. Without it, on real speech (bench/align-real.ts, LJ Speech tuning half) a clause's last
 * word was often pushed across the pause and every word after it drifted (median 93 -> 56 ms). A
 * charge for a pause after an unpunctuated word helped real speech no further and broke the synthetic
 * narrations that pause anywhere, so there is none.
 */
const PUNCT_PAUSE_REWARD = 2;
/** Frames either side of a boundary a local dip is measured against, and the depth (dB) that counts as a full dip. */
const DIP_REACH = 5;
const FULL_DIP_DB = 15;
/** How far (dB) below the loud level a frame must be to count as fully quiet. */
const QUIET_RANGE_DB = 30;

interface Placed {
  start: number;
  end: number;
}

/**
 * How good a word boundary frame t makes, 0..2.5: a local dip in the level (a closure between words)
 * plus how quiet the frame is against the loud level `ref` (a short silence between words).
 */
function dipAt(db: Float32Array, t: number, ref: number, pauseDb: number): number {
  let left = -Infinity;
  let right = -Infinity;
  for (let i = Math.max(0, t - DIP_REACH); i < t; i++) left = Math.max(left, db[i]!);
  for (let i = t + 1; i <= Math.min(db.length - 1, t + DIP_REACH); i++) right = Math.max(right, db[i]!);
  const local = Math.max(0, Math.min(1, (Math.min(left, right) - db[t]!) / FULL_DIP_DB));
  const quiet = Math.max(0, Math.min(1, (ref - db[t]!) / QUIET_RANGE_DB));
  return local + quiet + (db[t]! < pauseDb ? 0.5 : 0);
}

/**
 * Places the spoken words on the frames (semi-Markov dynamic programming): each word a span of
 * frames whose sounding length stays near its syllable share of the speech, boundaries in the
 * level's dips, quiet stretches between words free, and no sound left outside every word. Pauses
 * the analysis finds (frames below its pause level) are never inside a word for long.
 * Returns each word's [start, end) in frames.
 */
function placeWords(weights: number[], syllables: number[], pauseAfter: boolean[], loose: boolean[], speech: SpeechRuns, band: BandLevels | null): [number, number][] {
  const { db, pauseDb } = speech;
  const F = db.length;
  const n = weights.length;
  const loudPrefix = new Int32Array(F + 1);
  for (let t = 0; t < F; t++) loudPrefix[t + 1] = loudPrefix[t]! + (db[t]! > pauseDb ? 1 : 0);
  const loud = (a: number, b: number) => loudPrefix[b]! - loudPrefix[a]!;
  const totalLoud = Math.max(1, loud(0, F));
  const sorted = Array.from(db).filter((v) => v > pauseDb).sort((x, y) => x - y);
  const ref = sorted[Math.floor(sorted.length * 0.9)] ?? 0;
  // Boundary reward at position t (between frames t-1 and t).
  const edge = new Float64Array(F + 1);
  const dip = new Float64Array(F);
  for (let t = 0; t < F; t++) dip[t] = dipAt(db, t, ref, pauseDb);
  for (let t = 0; t <= F; t++) edge[t] = Math.max(t > 0 ? dip[t - 1]! : 2.5, t < F ? dip[t]! : 2.5);
  // Frames inside the pauses the analysis found (between two stretches of speech).
  const inPause = new Uint8Array(F);
  for (let r = 1; r < speech.runs.length; r++) {
    for (let t = Math.ceil(speech.runs[r - 1]!.end / speech.hop); t < Math.min(F, speech.runs[r]!.start / speech.hop); t++) inPause[t] = 1;
  }
  const total = weights.reduce((s, w) => s + w, 0);
  // Syllable nuclei (the vowel band's peaks): each word should hold about as many as it has syllables.
  const nucPrefix = new Int32Array(F + 1);
  if (band) for (let t = 0; t < F; t++) nucPrefix[t + 1] = nucPrefix[t]! + band.nuclei[t]!;
  const nucPerSyllable = nucPrefix[F]! / syllables.reduce((a, x) => a + x, 0);
  // Sound before the first word or after the last belongs to no word; a syllable nucleus there costs as a word missing a syllable.
  const unclaimed = (a: number, b: number): number => UNCLAIMED_SOUND * loud(a, b) + NUCLEI_WEIGHT * (nucPrefix[b]! - nucPrefix[a]!);
  const expected = weights.map((w) => (w / total) * totalLoud);
  const sigma = loose.map((l) => (l ? DURATION_SIGMA * FUNCTION_WORD_SIGMA : DURATION_SIGMA));
  // Where each word is expected to end, as a frame (the loud-frame count reaching its share), and a band around it.
  const loudAt: number[] = [];
  for (let t = 0; t <= F; t++) loudAt.push(loudPrefix[t]!);
  const frameOfLoud = (x: number) => {
    let lo = 0;
    let hi = F;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (loudAt[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  // Wide enough for the drift of syllable shares (up to 6 s), narrow enough that long narrations stay fast.
  const reach = Math.min(600, Math.max(150, Math.round(0.25 * F)));
  let cum = 0;
  const expectedEnd = expected.map((e) => frameOfLoud((cum += e)));
  const wordCost = (k: number, s: number, e: number): number => {
    const voiced = loud(s, e);
    const quiet = e - s - voiced;
    return (
      Math.log((voiced + 1) / (expected[k]! + 1)) ** 2 / (2 * sigma[k]! ** 2) +
      QUIET_IN_WORD * quiet +
      (band ? NUCLEI_WEIGHT * (nucPrefix[e]! - nucPrefix[s]! - syllables[k]! * nucPerSyllable) ** 2 : 0) +
      LONG_QUIET_IN_WORD * Math.max(0, quiet - CLOSURE_FRAMES) -
      (DIP_WEIGHT / 2) * (edge[s]! + edge[e]!)
    );
  };
  // dp[k][e]: least cost with word k ending at e; gapBest[e]: least cost of having placed words
  // 0..k and being at frame e with only quiet frames since word k ended.
  let gapBest = new Float64Array(F + 1);
  for (let s = 0; s <= F; s++) gapBest[s] = unclaimed(0, s);
  const from: Int32Array[] = [];
  const cost: Float64Array[] = [];
  const gapVia: Int32Array[] = [];
  for (let k = 0; k < n; k++) {
    const dp = new Float64Array(F + 1).fill(Infinity);
    const arg = new Int32Array(F + 1).fill(-1);
    const lo = Math.max(1, expectedEnd[k]! - reach);
    const hi = Math.min(F, expectedEnd[k]! + reach);
    const maxLen = Math.min(F, Math.ceil(expected[k]! * 4) + 60);
    for (let e = lo; e <= hi; e++) {
      for (let s = Math.max(0, e - maxLen); s < e; s++) {
        const g = gapBest[s]!;
        if (g === Infinity) continue;
        const c = g + wordCost(k, s, e);
        if (c < dp[e]!) {
          dp[e] = c;
          arg[e] = s;
        }
      }
    }
    from.push(arg);
    cost.push(dp);
    // Carry each end forward through the quiet frames after it: a gap between words costs nothing,
    // and one that holds a pause the analysis found earns the reward after a punctuated word.
    const pauseCost = k < n - 1 && pauseAfter[k] ? -PUNCT_PAUSE_REWARD : 0;
    const next = new Float64Array(F + 1).fill(Infinity);
    const via = new Int32Array(F + 1).fill(-1);
    // Best end with no pause frame since it (short) and with one (long), within the current quiet stretch.
    let short = Infinity;
    let shortAt = -1;
    let long = Infinity;
    let longAt = -1;
    for (let t = 0; t <= F; t++) {
      if (!(t > 0 && db[t - 1]! <= pauseDb)) {
        short = long = Infinity;
      } else if (inPause[t - 1]) {
        if (short < long) {
          long = short;
          longAt = shortAt;
        }
        short = Infinity;
      }
      if (dp[t]! < short) {
        short = dp[t]!;
        shortAt = t;
      }
      next[t] = short;
      via[t] = shortAt;
      if (long + pauseCost < next[t]!) {
        next[t] = long + pauseCost;
        via[t] = longAt;
      }
    }
    gapBest = next;
    gapVia.push(via);
  }
  // The end: sound left after the last word is unclaimed.
  let bestEnd = -1;
  let bestCost = Infinity;
  for (let e = 1; e <= F; e++) {
    const c = cost[n - 1]![e]! + unclaimed(e, F);
    if (c < bestCost) {
      bestCost = c;
      bestEnd = e;
    }
  }
  if (bestEnd < 0) return evenSpans(expected, speech);
  const spans: [number, number][] = new Array(n);
  let e = bestEnd;
  for (let k = n - 1; k >= 0; k--) {
    const s = from[k]![e]!;
    spans[k] = [s, e];
    // Where word k-1 ended: the start of the quiet stretch word k starts after.
    if (k > 0) e = gapVia[k - 1]![s]!;
  }
  return spans;
}

/**
 * English function words: in running speech they are said unstressed and short (on LJ Speech "the",
 * "a", "of" take 50-150 ms against 300-500 ms for a content word of the same syllables). Their
 * expected share of a stretch is FUNCTION_WORD_SHARE of their weight, and their length may stray
 * FUNCTION_WORD_SIGMA times as far from it, since a narrator may also say them in full. Set on the
 * LJ Speech tuning half (median 56 -> 33 ms, p90 284 -> 164 ms); a share of 0.6 with no extra
 * freedom did as well there but doubled the error on espeak-ng's connected words, which are
 * synthesised one by one and so never reduced (measure-align-connected.mts: 39/277 -> 96/483 ms
 * median/p90; with the extra freedom 48/365 ms).
 */
const FUNCTION_WORDS = new Set(
  ('a an the of to in on at by for from with into as and or but nor if than that this these those is are was were be been am ' +
    'it its he him his she her we us our they them their i me my you your not no so do does did has have had will would can could ' +
    'shall should may might must which who whom whose what when where there then')
    .split(' '),
);
const FUNCTION_WORD_SHARE = 0.5;
const FUNCTION_WORD_SIGMA = 2.5;

function isFunctionWord(w: TextWord): boolean {
  return FUNCTION_WORDS.has(w.text.toLowerCase().replace(/[^a-z']/g, ''));
}

/** How long a word is expected to take, relative to the others (its weight, less for a function word). */
function durationWeight(w: TextWord): number {
  return isFunctionWord(w) ? w.weight * FUNCTION_WORD_SHARE : w.weight;
}

/** A word's syllables: its speaking weight without the share its Latin letters add (words.ts). */
function syllablesOf(w: TextWord): number {
  return Math.max(0.5, w.weight - LETTER_WEIGHT * [...w.text].filter((c) => LATIN_LETTER.test(c)).length);
}

/** No placement within the limits (should not happen): the words in even shares of the speech. */
function evenSpans(expected: number[], speech: SpeechRuns): [number, number][] {
  const a = Math.round(speech.runs[0]!.start / speech.hop);
  const b = Math.round(speech.runs[speech.runs.length - 1]!.end / speech.hop);
  const sum = expected.reduce((s, x) => s + x, 0);
  let at = 0;
  return expected.map((x) => {
    const s = a + Math.round((at / sum) * (b - a));
    at += x;
    return [s, Math.max(s + 1, a + Math.round((at / sum) * (b - a)))];
  });
}

/** Aligns the words to the speech; or why the text and the speech disagree too much to try. */
export function alignWords(words: TextWord[], speech: SpeechRuns, band: BandLevels | null = null): { placed: Placed[] } | { reason: string } {
  const spoken = words.map((w, i) => ({ w, i })).filter((x) => x.w.weight > 0);
  if (!speech.runs.length) return { reason: 'the narration has no speech (silence throughout)' };
  if (!spoken.length) return { reason: 'the text has no spoken words' };
  const speechSeconds = speech.runs.reduce((s, r) => s + r.end - r.start, 0);
  const syllables = spoken.reduce((s, x) => s + x.w.weight, 0);
  const rate = syllables / speechSeconds;
  if (rate > NOMINAL_RATE * RATE_TOLERANCE) {
    return { reason: `the text (${spoken.length} words, ~${Math.round(syllables)} syllables) is far longer than ${speechSeconds.toFixed(1)} s of speech can hold (${rate.toFixed(1)} syllables/s)` };
  }
  if (rate < NOMINAL_RATE / RATE_TOLERANCE) {
    return { reason: `the text (${spoken.length} words, ~${Math.round(syllables)} syllables) is far shorter than the ${speechSeconds.toFixed(1)} s of speech (${rate.toFixed(1)} syllables/s)` };
  }
  const hop = speech.hop;
  const spans = placeWords(
    spoken.map((x) => durationWeight(x.w)),
    spoken.map((x) => syllablesOf(x.w)),
    spoken.map((x) => x.w.pauseAfter),
    spoken.map((x) => isFunctionWord(x.w)),
    speech,
    band,
  );
  const placed: Placed[] = new Array<Placed>(words.length);
  spans.forEach(([s, e], m) => {
    // Frame t is centred on t * hop: a span of frames starts half a frame earlier.
    placed[spoken[m]!.i] = { start: Math.max(0, (s - 0.5) * hop), end: Math.min(speech.duration, (e - 0.5) * hop) };
  });
  // Tokens that are not spoken (emoji, dashes) sit at the end of the word before them.
  const first = placed.find(Boolean)!;
  let last: Placed = { start: first.start, end: first.start };
  for (let i = 0; i < words.length; i++) {
    if (placed[i]) last = placed[i]!;
    else placed[i] = { start: last.end, end: last.end };
  }
  return { placed };
}

/** Captions from words and their times (seconds): words after the first with a leading space. */
export function toCaptions(words: { text: string }[], placed: Placed[]): Caption[] {
  return words.map((w, i) => ({
    text: i === 0 ? w.text : ` ${w.text}`,
    startMs: Math.round(placed[i]!.start * 1000),
    endMs: Math.round(placed[i]!.end * 1000),
    timestampMs: Math.round(placed[i]!.start * 1000),
    confidence: null,
  }));
}

/** Aligns `text` to a narration already measured. */
export function alignTimings(text: string, speech: SpeechRuns, band: BandLevels | null = null): WordTimings {
  const words = textWords(text);
  if (!words.length) return { level: 'word', source: 'align', captions: [], warnings: [] };
  const result = alignWords(words, speech, band);
  if ('reason' in result) {
    return { ...cueTimings(words, speech), source: 'align', warnings: [`${result.reason}: showing the text as section-level cues, without word timing`] };
  }
  return { level: 'word', source: 'align', captions: toCaptions(words, result.placed), warnings: [] };
}

export const alignTimer: WordTimer = {
  id: 'align',
  needsText: true,
  tag: () => ALIGN_VERSION,
  async time(req: TimingRequest): Promise<WordTimings> {
    if (!req.text?.trim()) return { level: 'word', source: 'align', captions: [], warnings: ['no text to align (give the section a `text`, or use captions.source openai or whisper-cpp)'] };
    const { samples, sampleRate } = await decodeAudio(req.audioFile);
    const speech = speechRuns(samples, sampleRate);
    const band = speech.runs.length ? bandLevels(samples, sampleRate, LEVEL_FRAME, Math.round(speech.hop * sampleRate), speech.pauseDb) : null;
    return alignTimings(req.text, speech, band);
  },
};
