/**
 * Measures `align` on espeak-ng narration with exact word onsets: 4 sentences x 3 voices/speeds,
 * words joined with no gap (default) or with the gaps of timings-align.test.ts (`gaps`). Prints the
 * median and p90 word-start error. Synthesised narrations are kept in ALIGN_MEASURE_DIR between runs.
 *   npx tsx test/captions/measure-align-connected.mts [gaps]
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { alignTimer } from '../../src/captions/timings/align';
import { median, synthNarration } from './helpers-narration';
const SENTENCES = [
  'The night before launch, nobody slept. Engineers checked every valve twice, then a third time, while the rocket stood silent on the pad.',
  'At dawn the countdown began, and a quiet crowd gathered by the fence to watch history unfold.',
  'My grandmother kept a small garden behind the bakery, where tomatoes grew taller than the children every summer.',
  'Nobody expected the little robot to win, but it solved the maze in under four minutes and the judges stood up to applaud.',
];
const SETS = [{ voice: 'en-us', wpm: 190 }, { voice: 'en-gb', wpm: 150 }, { voice: 'en-us+f3', wpm: 230 }];
const dir = process.env.ALIGN_MEASURE_DIR ?? path.join(os.tmpdir(), 'sm-align-measure'); await fs.mkdir(dir, { recursive: true });
const gaps = process.argv[2] === 'gaps' ? [40, 90, 20, 160, 60, 380, 30, 120, 70, 10, 200, 50, 600, 80, 25] : [0];
const all: number[] = [];
for (const set of SETS) for (const [k, text] of SENTENCES.entries()) {
  const key = `${dir}/${set.voice}-${set.wpm}-${k}-${gaps.length}.json`;
  const n = await fs.readFile(key, 'utf8').then((j) => JSON.parse(j), async () => { const x = await synthNarration(dir, `${set.voice}-${set.wpm}-${k}-${gaps.length}`, text.split(' '), gaps, { noiseDb: -55, ...set }); await fs.writeFile(key, JSON.stringify(x)); return x; });
  const t = await alignTimer.time({ audioFile: n.file, text, label: 'x' });
  if (t.level !== 'word') { console.log(set, k, 'CUE', t.warnings); continue; }
  const errs = t.captions.map((c, i) => Math.abs(c.startMs / 1000 - n.onsets[i]!) * 1000);
  all.push(...errs);
  console.log(`${set.voice} ${set.wpm} s${k}: median ${median(errs).toFixed(0)} max ${Math.max(...errs).toFixed(0)}`);
}
const s = [...all].sort((a, b) => a - b);
console.log(`ALL ${all.length} words: median ${median(all).toFixed(0)} ms, p90 ${s[Math.floor(s.length * 0.9)]!.toFixed(0)} ms`);
