/**
 * `align` on real recorded speech, against word timings this project did not make.
 *
 * The set (nothing of it is stored in the repository; `npx tsx bench/align-real.ts` gathers it into
 * ALIGN_SPEECH_DIR from two public git repositories at pinned commits, read with `git show` from a clone
 * or mirror, see repoDirs()):
 *  - speech: LJ Speech 1.1 (Keith Ito 2017; one woman, Linda Johnson, reading non-fiction; public domain),
 *    the 32 clips LJ001-0001 ... LJ001-0032 that coqui-ai/TTS ships untouched (22.05 kHz, 16 bit) in
 *    tests/data/ljspeech/wavs, and their normalised transcripts (LJ Speech's metadata.csv, third column,
 *    as kept in the repository below);
 *  - reference word timings: the Montreal Forced Aligner TextGrids for LJ Speech published with
 *    ming024/FastSpeech2 (MIT licence), as kept in SitholeDavid/masters-final under
 *    preprocessed_data/LJSpeech/TextGrid/LJSpeech. These are a standard forced aligner's word boundaries
 *    (HMM acoustic models, 10 ms steps), not hand labels: independent of this project, and about as good a
 *    reference as word timing gets without a human; their own error against hand labels is typically
 *    10-20 ms at the median.
 * The first 16 clips are the tuning half (the aligner's constants may be chosen looking at them), the
 * last 16 the held-out half (never tuned on).
 *
 * Printed per clip and per half, for `align` and, measured in the same run on the same audio, its
 * peers: `even`, the naive baseline (each word its share of syllable weight, laid over the speech
 * stretches the pause detector finds), and `pocketsphinx` (a real HMM aligner: Debian's pocketsphinx
 * with its en-us model, decoding against a grammar that is exactly the text) when it is installed.
 * Errors are word-start errors against the reference; "joined" counts only words that start with no
 * pause (under 50 ms) after the word before, which is where `align` must find the boundary in the sound.
 *   npx tsx bench/align-real.ts          (npm run bench:align)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { alignTimer } from '../src/captions/timings/align';
import { speechTime } from '../src/captions/timings/cues';
import { speechRunsOfFile } from '../src/captions/timings/speech-runs';
import { textWords } from '../src/captions/timings/words';
import { gitShow as gitShowPinned } from './pinned-repo';

export const SPEECH_DIR = process.env.ALIGN_SPEECH_DIR ?? path.join(os.homedir(), '.cache', 'stillmotion', 'align-speech');

const AUDIO = { repo: 'coqui-ai/TTS', commit: 'dbf1a08a0d4e47fdad6172e433eeb34bc6b13b4e', dir: 'tests/data/ljspeech' };
const TRUTH = { repo: 'SitholeDavid/masters-final', commit: '019b99b6114efbb2764ce295da464a3a8be2e0e0', dir: 'preprocessed_data/LJSpeech/TextGrid/LJSpeech' };
const IDS = Array.from({ length: 32 }, (_, i) => `LJ001-${String(i + 1).padStart(4, '0')}`);
const TUNE = new Set(IDS.slice(0, 16));
/** A word that starts less than this (s) after the last one ended runs on from it. */
const JOINED_GAP = 0.05;

export interface RefWord {
  text: string;
  start: number;
  end: number;
}

export interface SpeechClip {
  id: string;
  split: 'tune' | 'held-out';
  /** The clip's transcript, as a section's text. */
  text: string;
  wav: string;
  words: RefWord[];
}

/** A file of a public repository at a pinned commit (see bench/pinned-repo.ts; clones in $STILLMOTION_ALIGN_REPOS). */
function gitShow(repo: string, commit: string, file: string): Buffer {
  return gitShowPinned(repo, commit, file, 'STILLMOTION_ALIGN_REPOS');
}

/** The non-empty intervals of a TextGrid's "words" tier (long text format). */
export function textGridWords(grid: string, name: string): RefWord[] {
  const tiers = grid.split(/item \[\d+\]:/);
  const tier = tiers.find((t) => /name = "words"/.test(t));
  if (!tier) throw new Error(`${name}: no "words" tier`);
  const words: RefWord[] = [];
  for (const m of tier.matchAll(/xmin = ([\d.]+)\s+xmax = ([\d.]+)\s+text = "([^"]*)"/g)) {
    if (m[3]!.trim()) words.push({ text: m[3]!.trim(), start: Number(m[1]), end: Number(m[2]) });
  }
  if (!words.length) throw new Error(`${name}: the words tier is empty`);
  return words;
}

/** Gathers the set into SPEECH_DIR (once) and reads it. */
export async function speechClips(): Promise<SpeechClip[]> {
  const manifestFile = path.join(SPEECH_DIR, 'manifest.json');
  const have = await fs.readFile(manifestFile, 'utf8').then((j) => JSON.parse(j) as SpeechClip[], () => null);
  if (have && have.length === IDS.length) return have.map((c) => ({ ...c, wav: path.join(SPEECH_DIR, c.wav) }));
  await fs.mkdir(SPEECH_DIR, { recursive: true });
  const metadata = new Map(
    gitShow(TRUTH.repo, TRUTH.commit, 'preprocessed_data/LJSpeech/metadata.csv')
      .toString('utf8')
      .split('\n')
      .map((l) => l.split('|'))
      .filter((f) => f.length >= 3)
      .map((f) => [f[0]!, f[2]!.trim()] as const),
  );
  const clips: SpeechClip[] = [];
  for (const id of IDS) {
    const text = metadata.get(id);
    if (!text) throw new Error(`${TRUTH.repo} metadata.csv has no ${id}`);
    const wav = `${id}.wav`;
    await fs.writeFile(path.join(SPEECH_DIR, wav), gitShow(AUDIO.repo, AUDIO.commit, `${AUDIO.dir}/wavs/${wav}`));
    const words = textGridWords(gitShow(TRUTH.repo, TRUTH.commit, `${TRUTH.dir}/${id}.TextGrid`).toString('utf8'), id);
    clips.push({ id, split: TUNE.has(id) ? 'tune' : 'held-out', text, wav, words });
  }
  const tmp = `${manifestFile}.${process.pid}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(clips, null, 1));
  await fs.rename(tmp, manifestFile);
  return clips.map((c) => ({ ...c, wav: path.join(SPEECH_DIR, c.wav) }));
}

const norm = (w: string) => w.normalize('NFD').toLowerCase().replace(/[^a-z0-9']/g, '');

/** Pairs each reference word with the text word it is (longest common subsequence of normalised spellings). */
export function matchWords(text: string[], ref: RefWord[]): [number, number][] {
  const a = text.map(norm);
  const b = ref.map((r) => norm(r.text));
  const L = Array.from({ length: a.length + 1 }, () => new Int32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) L[i]![j] = a[i] === b[j] ? L[i + 1]![j + 1]! + 1 : Math.max(L[i + 1]![j]!, L[i]![j + 1]!);
  const pairs: [number, number][] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] === b[j]) pairs.push([i++, j++]);
    else if (L[i + 1]![j]! >= L[i]![j + 1]!) i++;
    else j++;
  }
  return pairs;
}

export interface Score {
  /** Word-start errors, ms, of every matched word, and of those that run on from the word before. */
  errors: number[];
  joined: number[];
  /** Words that start before the word before them. */
  outOfOrder: number;
}

export function score(starts: number[], clip: Pick<SpeechClip, 'words'>, pairs: [number, number][]): Score {
  const errors: number[] = [];
  const joined: number[] = [];
  for (const [i, j] of pairs) {
    const e = Math.abs(starts[i]! - clip.words[j]!.start) * 1000;
    errors.push(e);
    if (j > 0 && clip.words[j]!.start - clip.words[j - 1]!.end < JOINED_GAP) joined.push(e);
  }
  let outOfOrder = 0;
  for (let i = 1; i < starts.length; i++) if (starts[i]! < starts[i - 1]!) outOfOrder++;
  return { errors, joined, outOfOrder };
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : NaN;
};
const within = (xs: number[], ms: number) => xs.filter((x) => x <= ms).length / Math.max(1, xs.length);

export function summary(s: Score): string {
  return (
    `median ${quantile(s.errors, 0.5).toFixed(0).padStart(4)} ms, p90 ${quantile(s.errors, 0.9).toFixed(0).padStart(4)} ms, ` +
    `<=50 ms ${(100 * within(s.errors, 50)).toFixed(0).padStart(3)}%, <=100 ms ${(100 * within(s.errors, 100)).toFixed(0).padStart(3)}%, ` +
    `joined median ${quantile(s.joined, 0.5).toFixed(0).padStart(4)} ms (${s.joined.length}), out of order ${s.outOfOrder}`
  );
}

function merge(scores: Score[]): Score {
  return { errors: scores.flatMap((s) => s.errors), joined: scores.flatMap((s) => s.joined), outOfOrder: scores.reduce((n, s) => n + s.outOfOrder, 0) };
}

/** The naive peer: each word its share of syllable weight, laid over the speech stretches only. */
async function evenStarts(clip: SpeechClip): Promise<number[]> {
  const speech = await speechRunsOfFile(clip.wav);
  const runs = speech.runs.length ? speech.runs : [{ start: 0, end: speech.duration }];
  const total = runs.reduce((s, r) => s + r.end - r.start, 0);
  const words = textWords(clip.text);
  const sum = words.reduce((s, w) => s + w.weight, 0);
  let at = 0;
  return words.map((w) => {
    const t = speechTime(runs, (at / sum) * total);
    at += w.weight;
    return t;
  });
}

async function alignStarts(clip: SpeechClip): Promise<number[]> {
  const t = await alignTimer.time({ audioFile: clip.wav, text: clip.text, label: clip.id });
  if (t.level !== 'word') throw new Error(`${clip.id}: align fell back to cues: ${t.warnings.join('; ')}`);
  return t.captions.map((c) => c.startMs / 1000);
}

const POCKETSPHINX_MODEL = '/usr/share/pocketsphinx/model/en-us';

/** pocketsphinx forced to the text (a JSGF grammar of exactly its words), when installed; null when not. */
async function pocketsphinxStarts(clip: SpeechClip, work: string): Promise<number[] | null> {
  if (!existsSync('/usr/bin/pocketsphinx_continuous') || !existsSync(POCKETSPHINX_MODEL)) return null;
  const words = textWords(clip.text).map((w) => norm(w.text));
  const dict = new Set((await fs.readFile(path.join(POCKETSPHINX_MODEL, 'cmudict-en-us.dict'), 'utf8')).split('\n').map((l) => l.split(' ')[0]));
  if (words.some((w) => !dict.has(w))) return null;
  const grammar = path.join(work, `${clip.id}.jsgf`);
  await fs.writeFile(grammar, `#JSGF V1.0;\ngrammar clip;\npublic <clip> = ${words.join(' ')};\n`);
  const raw = path.join(work, `${clip.id}.16k.wav`);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', clip.wav, '-ar', '16000', '-ac', '1', raw]);
  const out = execFileSync(
    'pocketsphinx_continuous',
    ['-infile', raw, '-hmm', path.join(POCKETSPHINX_MODEL, 'en-us'), '-dict', path.join(POCKETSPHINX_MODEL, 'cmudict-en-us.dict'), '-jsgf', grammar, '-time', 'yes', '-logfn', '/dev/null'],
    { maxBuffer: 16 << 20 },
  ).toString('utf8');
  // Lines "word start end confidence"; skip silence and filler tokens, drop "(2)" pronunciation tags.
  const starts = out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length === 4 && !/^(<s>|<\/s>|<sil>|\[.*\])$/.test(f[0]!) && Number.isFinite(Number(f[1])))
    .map((f) => ({ word: f[0]!.replace(/\(\d+\)$/, ''), start: Number(f[1]) }));
  if (starts.length !== words.length) return null;
  return starts.map((s) => s.start);
}

async function main(): Promise<void> {
  const clips = await speechClips();
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'sm-align-real-'));
  const peers = ['align', 'even', 'pocketsphinx'] as const;
  const byPeer = new Map<string, Map<string, Score>>(peers.map((p) => [p, new Map()]));
  console.log(`align on real speech: ${clips.length} LJ Speech clips (${clips.reduce((n, c) => n + c.words.length, 0)} words), reference = MFA TextGrids`);
  for (const clip of clips) {
    const words = textWords(clip.text).map((w) => w.text);
    const pairs = matchWords(words, clip.words);
    const line: string[] = [];
    for (const peer of peers) {
      const starts = peer === 'align' ? await alignStarts(clip) : peer === 'even' ? await evenStarts(clip) : await pocketsphinxStarts(clip, work);
      if (!starts) continue;
      const s = score(starts, clip, pairs);
      byPeer.get(peer)!.set(clip.id, s);
      line.push(`${peer} ${quantile(s.errors, 0.5).toFixed(0)}/${quantile(s.errors, 0.9).toFixed(0)}`);
    }
    const dur = clip.words[clip.words.length - 1]!.end;
    console.log(`${clip.id} ${clip.split.padEnd(8)} ${String(pairs.length).padStart(2)}/${clip.words.length} words ${dur.toFixed(1)} s  median/p90 ms: ${line.join(', ')}`);
  }
  for (const split of ['tune', 'held-out', 'all'] as const) {
    console.log(`-- ${split}`);
    for (const peer of peers) {
      const scores = [...byPeer.get(peer)!].filter(([id]) => split === 'all' || clips.find((c) => c.id === id)!.split === split).map(([, s]) => s);
      if (!scores.length) {
        console.log(`  ${peer.padEnd(12)} not measured${peer === 'pocketsphinx' ? ' (apt-get install pocketsphinx pocketsphinx-en-us)' : ''}`);
        continue;
      }
      const m = merge(scores);
      console.log(`  ${peer.padEnd(12)} ${String(m.errors.length).padStart(3)} words: ${summary(m)}`);
    }
  }
  await fs.rm(work, { recursive: true, force: true });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
