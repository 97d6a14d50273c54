/**
 * The real-music beat set for bench/audio.ts: MIDI music from Debian packages (and a few MMA
 * arrangements played by MMA's own groove library), rendered with fluidsynth and the Fluid R3
 * General MIDI soundfont into a gitignored cache folder, with the exact beats from each file's
 * tempo map and time signatures (test/audio/real-music.py, python3-mido), scored with mir_eval.
 *
 * Needs the Debian packages fluidsynth, fluid-soundfont-gm, python3-mido, python3-mir-eval,
 * planetblupi-music-midi, openttd-openmsx and mma (aubio-tools for the comparison). Nothing is
 * committed but this list: the audio is made on first use and kept in the cache.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../../src/fs/atomic-write';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const HELPER = path.join(HERE, 'real-music.py');
/** Debian's python (python3-mido and python3-mir-eval live there, not in a pyenv one). */
const PYTHON = '/usr/bin/python3';
export const SOUNDFONT = '/usr/share/sounds/sf2/FluidR3_GM.sf2';
/** Bump when the excerpting or rendering changes (re-renders every track)... */
const AUDIO_VERSION = 'v1';
/** ... and this when only the ground truth's derivation does. */
const TRUTH_VERSION = 'truth-v2';

export interface RealTrack {
  name: string;
  /** Debian package the music comes from (its /usr/share/doc/<pkg>/copyright gives the licence). */
  pkg: string;
  /** What the track tests beyond a steady 4/4 beat. */
  note: string;
  /** Used to tune the tracker ('tune') or only to check it ('held-out'). */
  split: 'tune' | 'held-out';
  source: { midi: string } | { mma: string };
  /** Excerpt start and length, seconds. */
  start: number;
  duration: number;
  /** Beat length in MIDI quarter notes when the time signature does not say it (MMA's 6/8). */
  beatQuarters?: number;
}

const BLUPI = '/usr/share/planetblupi/music';
const MSX = '/usr/share/games/openttd/baseset/openmsx';

const blupi = (n: number, note: string): Omit<RealTrack, 'split'> => ({
  name: `blupi-${String(n).padStart(3, '0')}`,
  pkg: 'planetblupi-music-midi',
  note,
  source: { midi: `${BLUPI}/music${String(n).padStart(3, '0')}.mid` },
  start: 0,
  duration: 60,
});
const msx = (file: string, note: string, start = 0): Omit<RealTrack, 'split'> => ({
  name: `openmsx-${file.replace(/_redfarn|_imuh3/, '')}`,
  pkg: 'openttd-openmsx',
  note,
  source: { midi: `${MSX}/${file}.mid` },
  start,
  duration: 60,
});

/**
 * MMA chord charts written for this bench (the drums, bass and chords are MMA's own groove
 * library, played with its timing humanisation). They add metres and feels the packages lack.
 */
const mma = (name: string, note: string, chart: string, beatQuarters?: number): Omit<RealTrack, 'split'> => ({
  name: `mma-${name}`,
  pkg: 'mma',
  note,
  source: { mma: chart },
  start: 0,
  duration: 60,
  ...(beatQuarters ? { beatQuarters } : {}),
});
const bars = (chords: string, times: number) => Array.from({ length: times }, () => chords.trim()).join('\n');

const TRACKS: Omit<RealTrack, 'split'>[] = [
  blupi(0, '4/4'),
  blupi(1, '4/4'),
  blupi(2, '4/4'),
  blupi(3, '4/4'),
  blupi(4, '4/4'),
  blupi(5, '4/4'),
  blupi(6, '4/4'),
  blupi(7, '4/4'),
  blupi(8, '4/4'),
  blupi(9, '4/4'),
  msx('5432gone_redfarn', '5/4, triplet feel'),
  msx('be_sharp_bw_redfarn', '4/4 (its tempo changes come after the excerpt)'),
  msx('boogi_marabi_redfarn', '3/4, triplet feel'),
  msx('busy_schedule', '4/4, syncopated sixteenths'),
  msx('careless_perc_redfarn', 'slow'),
  msx('chuggachugga', 'fast (its slow intro tempi are outside the excerpt)'),
  msx('city_blues_redfarn', 'blues'),
  msx('coconut_run2', 'fast'),
  msx('flying_scotsman', 'very fast'),
  msx('harp_harmony', '4/4'),
  msx('keep_on_rolling', '4/4'),
  msx('linns_basket', '4/4, no drum-channel notes in the excerpt'),
  msx('midnight_snow_run', 'tempo changes (accelerando); drums only from 47 s'),
  msx('mighty_giant_run', '4/4'),
  msx('modern_motion', '4/4'),
  msx('moo_redfarn', 'shuffle, comping on the off-beats'),
  msx('mosey_along_redfarn', 'shuffle'),
  msx('no_work_song_redfarn', '4/4'),
  msx('relax_song', '4/4'),
  msx('run_for_your_life', '4/4'),
  msx('say_what_redfarn', '4/4'),
  msx('slow_neasy_redfarn', 'shuffle, backbeat'),
  msx('the_fast_route', 'syncopated sixteenths'),
  msx('the_hobo_redfarn', '6/4'),
  msx('train_filled_with_cash', '4/4'),
  msx('ttsong_iii_imuh3', '2/4 and 4/4, syncopated'),
  msx('ttsong_iv_imuh3', '4/4'),
  msx('tttheme2', '4/4'),
  msx('ultimate_run', '4/4'),
  msx('wood_whistles', '4/4'),
  mma('waltz', 'written here: 3/4 waltz, 150 then slowing to 126', `Tempo 150\nGroove Waltz\n${bars('C\nG7\nAm\nF', 6)}\nTempo 126 8\n${bars('F\nC\nG7\nC', 6)}`),
  mma('jazzwaltz', 'written here: 3/4 jazz waltz (swung), 170', `Tempo 170\nGroove JazzWaltz\n${bars('Dm7\nG7\nCmaj7\nA7', 10)}`),
  mma('68march', 'written here: 6/8 march, dotted-quarter beat 112', `Tempo 112\nGroove 68March\n${bars('C\nF\nG7\nC', 9)}`, 1),
  mma('blues68', 'written here: 6/8 blues, dotted-quarter beat 60', `Tempo 180\nGroove Blues68\n${bars('C7\nF7\nC7\nG7', 4)}`, 3),
  mma('swing', 'written here: swing, 132 speeding up to 160', `Tempo 132\nGroove Swing\n${bars('Dm7\nG7\nCmaj7\nCmaj7', 4)}\nTempo 160 8\n${bars('Dm7\nG7\nCmaj7\nA7', 6)}`),
  mma(
    'halftime',
    'written here: half-time feel (snare on 3 only), 150',
    `Tempo 150\nBegin Drum-Kick\n Tone KickDrum1\n Sequence {1 0 110; 2.5 0 80}\nEnd\nBegin Drum-Snare\n Tone SnareDrum1\n Sequence {3 0 110}\nEnd\nBegin Drum-HH\n Tone ClosedHiHat\n Sequence {1 0 80; 1.5 0 50; 2 0 70; 2.5 0 50; 3 0 80; 3.5 0 50; 4 0 70; 4.5 0 50}\n RTime 4\nEnd\nBegin Bass\n Voice FingeredBass\n Sequence {1 4. 1 100; 2.5 8 1 80; 3 2 5 90}\nEnd\nBegin Chord\n Voice Piano1\n Sequence {1 2 80; 3 2 70}\nEnd\n${bars('Am\nF\nC\nG', 10)}`,
  ),
];

/** Tune on every other track; the rest only checks (the split is by position, fixed here). */
export const REAL_TRACKS: RealTrack[] = TRACKS.map((t, i) => ({ ...t, split: i % 2 === 0 ? 'tune' : 'held-out' }));

/** Why the real-music set cannot be built here, or null when it can. */
export function realMusicMissing(): string | null {
  const need: [string, boolean][] = [
    ['fluidsynth (apt-get install fluidsynth)', spawnSync('fluidsynth', ['--version'], { stdio: 'ignore' }).status === 0],
    [`${SOUNDFONT} (apt-get install fluid-soundfont-gm)`, existsSync(SOUNDFONT)],
    ['python3-mido and python3-mir-eval', spawnSync(PYTHON, ['-c', 'import mido, mir_eval'], { stdio: 'ignore' }).status === 0],
    ['planetblupi-music-midi', existsSync(BLUPI)],
    ['openttd-openmsx', existsSync(MSX)],
    ['mma', spawnSync('mma', ['-v'], { stdio: 'ignore' }).status === 0],
  ];
  const missing = need.filter(([, ok]) => !ok).map(([what]) => what);
  return missing.length ? `missing: ${missing.join(', ')}` : null;
}

export interface RenderedTrack {
  track: RealTrack;
  wav: string;
  beats: number[];
  meters: string[];
  bpm: [number, number];
  /** How far the file's notes sit from its tick grid (corrected in `beats`), ms. */
  gridOffsetMs: number;
}

function run(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout || r.error?.message}`);
  return r.stdout;
}

/** Renders (or reuses from `cacheDir`) one track: its WAV and ground-truth beats. */
export async function renderTrack(track: RealTrack, cacheDir: string): Promise<RenderedTrack> {
  const dir = path.join(cacheDir, AUDIO_VERSION);
  await fs.mkdir(dir, { recursive: true });
  const base = path.join(dir, track.name);
  const wav = `${base}.wav`;
  const truth = `${base}.${TRUTH_VERSION}.json`;
  if (!existsSync(wav) || !existsSync(truth)) {
    // The excerpt is written again even when only the truth is missing: same input, same bytes.
    let midi: string;
    if ('midi' in track.source) midi = track.source.midi;
    else {
      await fs.writeFile(`${base}.mma`, `${track.source.mma}\n`);
      run('mma', [`${base}.mma`, '-f', `${base}.full.mid`]);
      midi = `${base}.full.mid`;
    }
    const meta = run(PYTHON, [HELPER, 'excerpt', midi, `${base}.mid`, String(track.start), String(track.duration), String(track.beatQuarters ?? 'auto')]);
    // -ni: no shell, no MIDI input; -F renders the file as fast as it can; chorus/reverb as shipped.
    if (!existsSync(wav)) {
      run('fluidsynth', ['-ni', '-q', '-F', `${base}.tmp.wav`, '-r', '44100', SOUNDFONT, `${base}.mid`]);
      await fs.rename(`${base}.tmp.wav`, wav);
    }
    await writeFileAtomic(truth, meta);
  }
  const meta = JSON.parse(await fs.readFile(truth, 'utf8')) as { beats: number[]; meters: string[]; bpm: [number, number]; gridOffsetMs: number };
  return { track, wav, ...meta };
}

export interface BeatScore {
  f: number;
  amlt: number;
}

/** mir_eval F-measure and AMLt for each (reference, estimate) pair, in one python call. */
export function mirEvalScores(pairs: { ref: number[]; est: number[] }[]): BeatScore[] {
  return JSON.parse(run(PYTHON, [HELPER, 'score'], JSON.stringify(pairs))) as BeatScore[];
}
