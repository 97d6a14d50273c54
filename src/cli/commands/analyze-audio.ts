/** `stillmotion analyze-audio <file> [--json] [--plot out.png]`: beats, pauses and dynamics of an audio file. */
import type { Command } from 'commander';
import { analyzeAudioFile } from '../../audio/analyze-audio-file';
import type { AudioAnalysis, Interval } from '../../audio/types';

export function register(program: Command): void {
  program
    .command('analyze-audio')
    .description('Find beats, tempo, onsets, silences, speech pauses, crescendos and swells in an audio file (WAV, MP3, OGG, M4A, FLAC)')
    .argument('<file>', 'audio file to analyse')
    .option('--json', 'print one JSON object on stdout (times in seconds)')
    .option('--plot <out.png>', 'write a PNG of waveform and loudness with beats, silences, pauses and crescendos marked')
    .action(async (file: string, opts: { json?: boolean; plot?: string }) => {
      const result = await analyzeAudioFile(file, { plot: opts.plot });
      if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else process.stdout.write(summarize(file, result, opts.plot));
    });
}

/** The human-readable summary printed without --json. */
function summarize(file: string, a: AudioAnalysis, plot?: string): string {
  const s = (x: number) => `${x.toFixed(2)}s`;
  const span = (iv: Interval) => `${s(iv.start)}-${s(iv.end)} (${(iv.end - iv.start).toFixed(2)}s)`;
  const list = (xs: string[], max = 8) => (xs.length > max ? `${xs.slice(0, max).join(', ')}, ... (${xs.length} in all)` : xs.join(', '));
  const lines = [
    `${file}: ${a.duration.toFixed(2)} s, ${a.sampleRate} Hz`,
    a.tempo === null
      ? 'Tempo:      no steady beat found'
      : `Tempo:      ${a.tempo.toFixed(1)} BPM, ${a.beats.length} beats from ${s(a.beats[0] ?? 0)} to ${s(a.beats[a.beats.length - 1] ?? 0)}` +
        (a.downbeats ? `, ${a.downbeats.length} bars` : ''),
    `Onsets:     ${a.onsets.length}`,
    `Silences:   ${a.silences.length ? list(a.silences.map(span)) : 'none'}`,
    `Pauses:     ${a.speechPauses.length ? list(a.speechPauses.map(span)) : 'none'}`,
    `Crescendos: ${a.crescendos.length ? list(a.crescendos.map((c) => `${span(c)} +${c.riseDb.toFixed(1)} dB`)) : 'none'}`,
    `Swells:     ${a.swells.length ? list(a.swells.map((w) => `${span(w)} peak ${w.peakDb.toFixed(1)} dB`)) : 'none'}`,
  ];
  if (plot) lines.push(`Plot:       ${plot}`);
  return `${lines.join('\n')}\n`;
}
