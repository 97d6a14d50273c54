/**
 * Audio-analysis benchmark (not a test): `npx tsx bench/audio.ts`.
 *
 * 1. Beat F-measure (mir_eval style: +-70 ms, beats before 5 s ignored) on generated drum
 *    tracks at 70-180 BPM (87 BPM is the octave-error bait), straight, sixteenth hats, swing
 *    and timing jitter; target >= 0.90 each.
 * 2. music-96bpm.wav vs its beat file inside its drum sections (target >= 0.95), and no beats
 *    in the pad intro or the breakdown.
 * 3. Silences / speech pauses planted between the sample narration clips (>= 250 ms), found
 *    within 50 ms at both edges; clean and over a -58 dBFS noise floor.
 * 4. Speed on a 3-minute 44.1 kHz track (analysis after decoding, x-realtime) and the same
 *    against `aubio beat` (Debian aubio-tools) for time and beat agreement.
 * 5. Real music: 46 one-minute excerpts of MIDI music from Debian packages (and MMA groove-library
 *    arrangements for 3/4, 6/8, swing and half-time), rendered with fluidsynth + FluidR3_GM into
 *    bench-results/audio-cache/ (gitignored), beats from each file's tempo map; mir_eval F and
 *    AMLt per track, ours next to `aubio beat`, on the tuning half and the held-out half.
 *    Needs: fluidsynth fluid-soundfont-gm python3-mido python3-mir-eval aubio-tools mma
 *    planetblupi-music-midi openttd-openmsx (skipped, with the reason, when any is missing).
 *
 * `npx tsx bench/audio.ts --real-music-only` runs section 5 alone (aubio's beats for the real-music
 * set are cached next to the audio, so a rerun takes about a minute).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzeSignal } from '../src/audio/analyze-signal';
import { fMeasure } from '../src/audio/beat-scoring';
import { decodeAudio } from '../src/audio/decode-audio';
import { writeFileAtomic } from '../src/fs/atomic-write';
import type { Interval } from '../src/audio/types';
import { drumLoop, rng, writeWav, type Track } from '../test/audio/synth';
import { mirEvalScores, REAL_TRACKS, realMusicMissing, renderTrack } from '../test/audio/real-music';

const SAMPLES = process.env.STILLMOTION_SAMPLES ?? 'examples/launch-day/audio';
const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'stillmotion-bench-audio-'));
const hasAubio = spawnSync('aubio', ['--help'], { stdio: 'ignore' }).status === 0;
const results: { name: string; ok: boolean }[] = [];
const check = (name: string, ok: boolean) => results.push({ name, ok });
const f3 = (x: number) => x.toFixed(3);

/** `aubio beat` on a file: its beats, wall seconds, and CPU seconds (bash's `time` of the child). */
function aubioBeats(file: string): { beats: number[]; seconds: number; cpu: number } {
  const t = performance.now();
  const r = spawnSync('bash', ['-c', 'TIMEFORMAT="%3U %3S"; time aubio beat "$1"', 'aubio-beat', file], { encoding: 'utf8' });
  const seconds = (performance.now() - t) / 1000;
  const [u, sys] = (r.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
  return {
    beats: r.stdout.split(/\s+/).filter(Boolean).map(Number).filter(Number.isFinite),
    seconds,
    cpu: (u ?? NaN) + (sys ?? NaN),
  };
}

/**
 * `aubio beat`'s beats for a cached real-music WAV, kept next to it (keyed by aubio's version): aubio
 * was most of section 5's time (about 5 of its 7 minutes on a loaded 2-core machine), and its
 * output for the same file and version does not change.
 */
async function cachedAubioBeats(wav: string): Promise<number[]> {
  const version = (spawnSync('aubio', ['--version'], { encoding: 'utf8' }).stdout.match(/[\d.]+/)?.[0] ?? 'unknown').trim();
  const file = wav.replace(/\.wav$/, `.aubio-${version}.json`);
  if (existsSync(file)) return JSON.parse(await fs.readFile(file, 'utf8')) as number[];
  const beats = aubioBeats(wav).beats;
  await writeFileAtomic(file, JSON.stringify(beats));
  return beats;
}

if (!hasAubio) console.log('aubio: not installed (apt-get install -y aubio-tools); aubio columns are skipped.\n');
const realOnly = process.argv.includes('--real-music-only');
const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / Math.max(1, x.length);
if (!realOnly) {

// 1. Generated tracks.
console.log('== 1. Beat F-measure on generated drum tracks (30 s each, +-70 ms, beats < 5 s ignored) ==');
console.log(`${'bpm'.padEnd(5)}${'variant'.padEnd(12)}${'tempo'.padStart(7)}${'F'.padStart(7)}${'P'.padStart(7)}${'R'.padStart(7)}${hasAubio ? `${'aubio F'.padStart(9)}` : ''}`);
const variants: [string, Parameters<typeof drumLoop>[0] extends infer O ? Partial<O> : never][] = [
  ['straight', {}],
  ['16th-hats', { hatsPerBeat: 4 }],
  ['swing', { swing: 0.66 }],
  ['jitter15ms', { jitter: 0.015 }],
];
const genF: number[] = [];
const genAubio: number[] = [];
for (const bpm of [70, 80, 87, 96, 110, 120, 135, 150, 165, 180]) {
  for (const [name, v] of variants) {
    const tr = drumLoop({ bpm, duration: 30, seed: bpm * 7 + name.length, pad: name === 'swing', ...v });
    const a = analyzeSignal(tr.samples, tr.sampleRate);
    const f = fMeasure(tr.beats, a.beats);
    genF.push(f.f);
    let aub = '';
    if (hasAubio) {
      const file = await writeWav(tmp, `gen-${bpm}-${name}.wav`, tr.samples, tr.sampleRate);
      const af = fMeasure(tr.beats, aubioBeats(file).beats).f;
      genAubio.push(af);
      aub = f3(af).padStart(9);
    }
    console.log(`${String(bpm).padEnd(5)}${name.padEnd(12)}${(a.tempo?.toFixed(1) ?? 'null').padStart(7)}${f3(f.f).padStart(7)}${f3(f.precision).padStart(7)}${f3(f.recall).padStart(7)}${aub}`);
    check(`generated ${bpm} BPM ${name}: F >= 0.90`, f.f >= 0.9);
  }
}
console.log(`mean F ${f3(mean(genF))}, min F ${f3(Math.min(...genF))}${hasAubio ? `; aubio mean F ${f3(mean(genAubio))}, min ${f3(Math.min(...genAubio))}` : ''}\n`);

const haveSamples = existsSync(path.join(SAMPLES, 'music-96bpm.wav')) && existsSync(path.join(SAMPLES, '01-intro.wav'));
if (!haveSamples) console.log(`Sample media not found in ${SAMPLES} (set STILLMOTION_SAMPLES): sections 2 and 3 are skipped.\n`);

// 2. The sample music bed.
if (haveSamples) {
  console.log('== 2. music-96bpm.wav vs music-96bpm.beats.txt ==');
  const musicFile = path.join(SAMPLES, 'music-96bpm.wav');
  const truth = readFileSync(path.join(SAMPLES, 'music-96bpm.beats.txt'), 'utf8').split(/\s+/).filter(Boolean).map(Number);
  const drums: Interval[] = [
    { start: 5.12, end: 25.6 },
    { start: 39.68, end: 60.16 },
  ];
  const inDrums = (t: number) => drums.some((d) => t >= d.start && t < d.end);
  const music = await decodeAudio(musicFile);
  const ma = analyzeSignal(music.samples, music.sampleRate, music.source.sampleRate);
  const mf = fMeasure(truth, ma.beats.filter(inDrums));
  const stray = ma.beats.filter((t) => !inDrums(t));
  const quietStray = ma.beats.filter((t) => t < 5.12 || (t >= 25.6 && t < 33.28));
  console.log(`tempo ${ma.tempo?.toFixed(2)} BPM; beats ${ma.beats.length} (truth ${truth.length}); F in drum sections ${f3(mf.f)} (P ${f3(mf.precision)} R ${f3(mf.recall)})`);
  console.log(`beats outside the drum sections: ${stray.length}; in the pad intro 0-5.12 s or the breakdown 25.6-33.28 s: ${quietStray.length}`);
  console.log(`crescendos ${JSON.stringify(ma.crescendos.map((c) => [+c.start.toFixed(2), +c.end.toFixed(2), c.riseDb]))} (riser 33.28-39.68)`);
  console.log(`swells ${JSON.stringify(ma.swells.map((c) => [+c.start.toFixed(2), +c.end.toFixed(2), c.peakDb]))}`);
  check('music-96bpm: F >= 0.95 in drum sections', mf.f >= 0.95);
  check('music-96bpm: no beats in intro or breakdown', quietStray.length === 0);
  check('music-96bpm: a crescendo overlapping the riser', ma.crescendos.some((c) => c.start < 39.68 && c.end > 33.28));
  if (hasAubio) {
    const ab = aubioBeats(musicFile).beats;
    const af = fMeasure(truth, ab.filter(inDrums));
    console.log(`aubio: F in drum sections ${f3(af.f)}; beats outside the drum sections ${ab.filter((t) => !inDrums(t)).length}; agreement ours vs aubio F ${f3(fMeasure(ab, ma.beats).f)}`);
  }
  console.log('');

  // 3. Planted pauses in narration.
  console.log('== 3. Pauses planted between the narration clips (edges within 50 ms) ==');
  const clips: Float32Array[] = [];
  for (const name of ['01-intro', '02-cat', '03-rocket', '04-launch', '05-astronaut', '06-deepfield', '07-outro']) {
    const d = await decodeAudio(path.join(SAMPLES, `${name}.wav`));
    // Trim each clip to its sound (first/last sample above -60 dBFS) so the planted edges are exact.
    let a = 0;
    let b = d.samples.length - 1;
    while (a < b && Math.abs(d.samples[a]!) < 0.001) a++;
    while (b > a && Math.abs(d.samples[b]!) < 0.001) b--;
    clips.push(d.samples.slice(a, b + 1));
  }
  const planted = [0.25, 0.3, 0.4, 0.6, 0.9, 1.5];
  const sr = 22050;
  function narration(noiseDb: number | null): { x: Float32Array; pauses: Interval[] } {
    const parts: Float32Array[] = [new Float32Array(Math.round(0.5 * sr))];
    const pauses: Interval[] = [];
    let t = 0.5;
    clips.forEach((c, i) => {
      parts.push(c);
      t += c.length / sr;
      const p = planted[i];
      if (p !== undefined) {
        const n = Math.round(p * sr);
        pauses.push({ start: t, end: t + n / sr });
        parts.push(new Float32Array(n));
        t += n / sr;
      }
    });
    parts.push(new Float32Array(Math.round(0.5 * sr)));
    const x = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) {
      x.set(p, o);
      o += p.length;
    }
    if (noiseDb !== null) {
      const r = rng(3);
      const amp = 10 ** (noiseDb / 20) * Math.sqrt(3);
      for (let i = 0; i < x.length; i++) x[i] = x[i]! + amp * (r() * 2 - 1);
    }
    return { x, pauses };
  }
  for (const [label, noise] of [['clean', null], ['noise -58 dBFS', -58]] as const) {
    const { x, pauses } = narration(noise);
    const file = await writeWav(tmp, `narration-${noise ?? 'clean'}.wav`, x, sr);
    const dec = await decodeAudio(file);
    const a = analyzeSignal(dec.samples, dec.sampleRate, dec.source.sampleRate);
    for (const [kind, found] of [['speechPauses', a.speechPauses], ['silences', a.silences]] as const) {
      if (kind === 'silences' && noise !== null) {
        console.log(`${label}: silences ${found.length} (noise floor above -60 dBFS: none expected)`);
        check(`narration ${label}: no silences over a noise floor`, found.length === 0);
        continue;
      }
      const errs: string[] = [];
      let hits = 0;
      for (const p of pauses) {
        const m = found.find((q) => Math.abs(q.start - p.start) <= 0.05 && Math.abs(q.end - p.end) <= 0.05);
        const near = found.find((q) => q.start < p.end && q.end > p.start);
        if (m) hits++;
        errs.push(
          `${(p.end - p.start).toFixed(2)}s:${near ? `${((near.start - p.start) * 1000).toFixed(0)}/${((near.end - p.end) * 1000).toFixed(0)}ms` : 'missed'}`,
        );
      }
      const extra = found.filter((q) => !pauses.some((p) => q.start < p.end && q.end > p.start)).length;
      console.log(`${label}: ${kind} found ${hits}/${pauses.length} planted within 50 ms; edge errors start/end: ${errs.join(' ')}; ${extra} more (the clips' own pauses, lead-in/out)`);
      check(`narration ${label}: all planted ${kind} within 50 ms`, hits === pauses.length);
    }
    check(`narration ${label}: no beats in speech`, a.beats.length === 0);
  }
  console.log('');
}

// 4. Speed on a 3-minute 44.1 kHz track.
console.log('== 4. Speed: 3-minute 44.1 kHz track (drums with a pad, a 20 s breakdown) ==');
const long: Track = drumLoop({ bpm: 124, duration: 180, sampleRate: 44100, pad: true, breakdown: [80, 100], seed: 5, jitter: 0.005 });
const longFile = await writeWav(tmp, 'three-minutes.wav', long.samples, 44100);
let t0 = performance.now();
const longDec = await decodeAudio(longFile);
const decodeS = (performance.now() - t0) / 1000;
// The machine is shared: wall time includes waiting for other people's processes, so CPU time
// (user + system of this process) is reported beside it, with the load average.
const runs: { wall: number; cpu: number }[] = [];
let la = analyzeSignal(longDec.samples, longDec.sampleRate, 44100);
const firstRunNote = 'first call in this process was warm (JIT compiled by sections 1-3)';
for (let i = 0; i < 3; i++) {
  const c0 = process.cpuUsage();
  t0 = performance.now();
  la = analyzeSignal(longDec.samples, longDec.sampleRate, 44100);
  const c = process.cpuUsage(c0);
  runs.push({ wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 });
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const analysisS = med(runs.map((r) => r.wall));
const analysisCpu = med(runs.map((r) => r.cpu));
const lf = fMeasure(long.beats, la.beats);
console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores (${firstRunNote})`);
console.log(
  `decode ${decodeS.toFixed(2)} s; analysis median of 3: wall ${analysisS.toFixed(3)} s = ${(180 / analysisS).toFixed(0)}x realtime, CPU ${analysisCpu.toFixed(3)} s = ${(180 / analysisCpu).toFixed(0)}x realtime; runs (wall) ${runs.map((r) => r.wall.toFixed(3)).join(' ')}`,
);
console.log(`ours: tempo ${la.tempo?.toFixed(1)}, F ${f3(lf.f)}, beats in the breakdown: ${la.beats.filter((t) => t > 80.3 && t < 99.7).length}`);
check('3-minute analysis under 1 s after decoding (CPU time)', analysisCpu < 1);
if (analysisS >= 1) console.log(`note: wall time ${analysisS.toFixed(2)} s is over 1 s on this loaded machine; CPU time is ${analysisCpu.toFixed(2)} s`);
if (hasAubio) {
  const ab = aubioBeats(longFile);
  const af = fMeasure(long.beats, ab.beats);
  console.log(
    `aubio beat: wall ${ab.seconds.toFixed(2)} s, CPU ${ab.cpu.toFixed(2)} s (its decode included) = ${(180 / ab.seconds).toFixed(0)}x realtime, F ${f3(af.f)}, beats in the breakdown: ${ab.beats.filter((t) => t > 80.3 && t < 99.7).length}`,
  );
  console.log(`ratios vs aubio (CPU): analysis-only/aubio ${(analysisCpu / ab.cpu).toFixed(2)}`);
  console.log(
    `ratios vs aubio (wall): time ours(decode+analysis)/aubio ${((decodeS + analysisS) / ab.seconds).toFixed(2)}, analysis-only/aubio ${(analysisS / ab.seconds).toFixed(2)}; F ours/aubio ${(lf.f / Math.max(af.f, 1e-9)).toFixed(2)}; beat agreement ours vs aubio F ${f3(fMeasure(ab.beats, la.beats).f)}`,
  );
} else {
  console.log('aubio: skipped (not installed)');
}
console.log('');
}

// 5. Real music.
console.log('== 5. Real music: MIDI from Debian packages rendered with fluidsynth (mir_eval F +-70 ms and AMLt, beats < 5 s trimmed) ==');
const missing = realMusicMissing();
if (missing) console.log(`skipped: ${missing} (apt-get install -y fluidsynth fluid-soundfont-gm python3-mido python3-mir-eval aubio-tools mma planetblupi-music-midi openttd-openmsx)\n`);
else {
  const cache = path.join('bench-results', 'audio-cache');
  const rows: { name: string; split: string; pkg: string; note: string; meters: string; truth: string; tempo: string; ours: number; aub: number; offset: number }[] = [];
  const pairs: { ref: number[]; est: number[] }[] = [];
  const t5 = performance.now();
  for (const track of REAL_TRACKS) {
    const r = await renderTrack(track, cache);
    const dec = await decodeAudio(r.wav);
    const a = analyzeSignal(dec.samples, dec.sampleRate, dec.source.sampleRate);
    pairs.push({ ref: r.beats, est: a.beats });
    if (hasAubio) pairs.push({ ref: r.beats, est: await cachedAubioBeats(r.wav) });
    rows.push({
      name: track.name,
      split: track.split,
      pkg: track.pkg,
      note: track.note,
      meters: r.meters.join(' '),
      truth: r.bpm[0] === r.bpm[1] ? `${r.bpm[0]}` : `${r.bpm[0]}-${r.bpm[1]}`,
      tempo: a.tempo?.toFixed(1) ?? 'none',
      ours: a.beats.length,
      aub: 0,
      offset: r.gridOffsetMs,
    });
  }
  const scores = mirEvalScores(pairs);
  const per = hasAubio ? 2 : 1;
  const ours = rows.map((_, i) => scores[i * per]!);
  const aub = hasAubio ? rows.map((_, i) => scores[i * per + 1]!) : [];
  console.log(
    `${'track'.padEnd(31)}${'split'.padEnd(9)}${'meter'.padEnd(8)}${'BPM'.padStart(9)}${'ours'.padStart(7)}${'beats'.padStart(6)}${'F'.padStart(7)}${'AMLt'.padStart(7)}${hasAubio ? `${'aubio F'.padStart(9)}${'AMLt'.padStart(7)}` : ''}  what`,
  );
  rows.forEach((r, i) => {
    const o = ours[i]!;
    const au = aub[i];
    console.log(
      `${r.name.padEnd(31)}${r.split.padEnd(9)}${r.meters.padEnd(8)}${r.truth.padStart(9)}${r.tempo.padStart(7)}${String(r.ours).padStart(6)}${f3(o.f).padStart(7)}${f3(o.amlt).padStart(7)}${au ? `${f3(au.f).padStart(9)}${f3(au.amlt).padStart(7)}` : ''}  ${r.note}${r.offset ? ` (notes ${r.offset} ms off the grid, corrected)` : ''}`,
    );
  });
  const summary = (label: string, idx: number[]) => {
    const m = (xs: { f: number; amlt: number }[], k: 'f' | 'amlt') => f3(mean(idx.map((i) => xs[i]![k])));
    console.log(`${label.padEnd(22)} n ${String(idx.length).padStart(2)}: ours F ${m(ours, 'f')} AMLt ${m(ours, 'amlt')}${hasAubio ? `; aubio F ${m(aub, 'f')} AMLt ${m(aub, 'amlt')}` : ''}`);
  };
  const all = rows.map((_, i) => i);
  summary('all tracks', all);
  summary('tuning half', all.filter((i) => rows[i]!.split === 'tune'));
  summary('held-out half', all.filter((i) => rows[i]!.split === 'held-out'));
  summary('Debian MIDI only', all.filter((i) => rows[i]!.pkg !== 'mma'));
  const silent = rows.filter((r) => r.ours === 0).map((r) => r.name);
  console.log(`tracks with no beats at all: ${silent.length ? silent.join(', ') : 'none'} (every track but linns_basket has a drum part in its excerpt)`);
  console.log(`(${((performance.now() - t5) / 1000).toFixed(0)} s including any rendering; audio cached in ${cache})`);
  console.log('licences (from /usr/share/doc/<pkg>/copyright):');
  for (const pkg of [...new Set(REAL_TRACKS.map((t) => t.pkg)), 'fluid-soundfont-gm']) {
    const text = readFileSync(`/usr/share/doc/${pkg}/copyright`, 'utf8');
    // The first License: field with a value is the one for "Files: *" in these files; the soundfont's
    // copyright file says it in prose.
    const lic = /^License: *(\S.*)$/m.exec(text)?.[1] ?? (/under the (\S+) license/i.exec(text)?.[1] ?? 'see the file').concat(' (stated in its README)');
    console.log(`  ${pkg}: ${lic.trim()}`);
  }
  const meanOurs = mean(ours.map((s) => s.f));
  check('real music: mean F >= 0.85', meanOurs >= 0.85);
  if (hasAubio) check('real music: mean F above aubio beat', meanOurs > mean(aub.map((s) => s.f)));
  check('real music: no track without beats', silent.length === 0);
  console.log('');
}

await fs.rm(tmp, { recursive: true, force: true });
const failed = results.filter((r) => !r.ok);
console.log(`== ${results.length - failed.length}/${results.length} targets met ==`);
for (const f of failed) console.log(`MISSED: ${f.name}`);
