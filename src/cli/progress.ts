/** One progress bar per format (cli-progress), or plain log lines when stderr is not a terminal. */
import cliProgress from 'cli-progress';
import type { FormatProgress } from '../render/render-plan';

export interface ProgressView {
  update(p: FormatProgress): void;
  log(message: string): void;
  stop(): void;
}

export function createProgressView(formats: string[]): ProgressView {
  if (!process.stderr.isTTY) {
    let lastLogged = new Map<string, number>();
    return {
      update(p) {
        const pct = Math.floor(p.progress * 100);
        const last = lastLogged.get(p.format) ?? -100;
        if (p.stage === 'done' || pct >= last + 25) {
          lastLogged.set(p.format, pct);
          process.stderr.write(`${p.format.padEnd(5)} ${p.stage.padEnd(9)} ${String(pct).padStart(3)}% ${p.renderedFrames}/${p.totalFrames} frames\n`);
        }
      },
      log: (m) => process.stderr.write(`${m}\n`),
      stop: () => {
        lastLogged = new Map();
      },
    };
  }
  const multi = new cliProgress.MultiBar(
    {
      stream: process.stderr,
      format: ' {format} |{bar}| {percentage}% | {stage} | {rendered}/{frames} frames | {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map(formats.map((f) => [f, multi.create(100, 0, { format: f.padEnd(4), stage: 'waiting', rendered: 0, frames: '?' })]));
  return {
    update(p) {
      bars.get(p.format)?.update(Math.round(p.progress * 100), {
        stage: p.stage,
        rendered: p.renderedFrames,
        frames: p.totalFrames,
      });
    },
    log: (m) => multi.log(`${m}\n`),
    stop: () => multi.stop(),
  };
}
