/**
 * A picture of an analysis: waveform on top, loudness below, with beats (downbeats bolder),
 * silences, speech pauses, crescendos and swells marked. Rendered as SVG, converted to PNG by sharp.
 */
import sharp from 'sharp';
import type { AudioAnalysis, Interval } from './types';

const W = 1600;
const H = 520;
const PAD_L = 56;
const PAD_R = 16;
const WAVE_TOP = 40;
const WAVE_H = 190;
const LOUD_TOP = 260;
const LOUD_H = 210;
const DB_MIN = -70;
const DB_MAX = 0;

export function analysisSvg(a: AudioAnalysis, samples: Float32Array, sampleRate: number, title = ''): string {
  const dur = Math.max(a.duration, 1e-3);
  const plotW = W - PAD_L - PAD_R;
  const x = (sec: number) => PAD_L + (Math.min(Math.max(sec, 0), dur) / dur) * plotW;
  const yDb = (db: number) => LOUD_TOP + ((DB_MAX - Math.min(DB_MAX, Math.max(DB_MIN, db))) / (DB_MAX - DB_MIN)) * LOUD_H;
  const parts: string[] = [];
  parts.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  const band = (list: readonly Interval[], color: string, top: number, h: number, opacity: number) =>
    list.map((iv) => `<rect x="${x(iv.start).toFixed(1)}" y="${top}" width="${Math.max(1, x(iv.end) - x(iv.start)).toFixed(1)}" height="${h}" fill="${color}" fill-opacity="${opacity}"/>`).join('');
  const fullTop = WAVE_TOP;
  const fullH = LOUD_TOP + LOUD_H - WAVE_TOP;
  parts.push(band(a.swells, '#8e44ad', fullTop, fullH, 0.1));
  parts.push(band(a.crescendos, '#e67e22', fullTop, fullH, 0.22));
  parts.push(band(a.silences, '#7f8c8d', fullTop, fullH, 0.3));
  parts.push(band(a.speechPauses, '#2980b9', fullTop, fullH, 0.25));
  // Waveform: min/max per pixel column.
  const cols = Math.floor(plotW);
  const mid = WAVE_TOP + WAVE_H / 2;
  let path = '';
  for (let c = 0; c < cols; c++) {
    const s0 = Math.floor((c / cols) * samples.length);
    const s1 = Math.max(s0 + 1, Math.floor(((c + 1) / cols) * samples.length));
    let lo = 0;
    let hi = 0;
    for (let i = s0; i < s1 && i < samples.length; i++) {
      const v = samples[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const px = PAD_L + c + 0.5;
    path += `M${px.toFixed(1)} ${(mid - hi * (WAVE_H / 2)).toFixed(1)}V${(mid - lo * (WAVE_H / 2) + 0.5).toFixed(1)}`;
  }
  parts.push(`<path d="${path}" stroke="#34495e" stroke-width="1"/>`);
  // Loudness curve and grid.
  for (let db = DB_MIN; db <= DB_MAX; db += 10) {
    parts.push(`<line x1="${PAD_L}" x2="${W - PAD_R}" y1="${yDb(db)}" y2="${yDb(db)}" stroke="#ecf0f1"/>`);
    parts.push(`<text x="${PAD_L - 6}" y="${yDb(db) + 4}" font-size="11" text-anchor="end" fill="#555">${db} dB</text>`);
  }
  const pts = a.loudness.db.map((v, i) => `${x(i * a.loudness.hop).toFixed(1)},${yDb(v).toFixed(1)}`).join(' ');
  if (pts) parts.push(`<polyline points="${pts}" fill="none" stroke="#16a085" stroke-width="1.5"/>`);
  // Beats across both panels.
  const down = new Set((a.downbeats ?? []).map((b) => b.toFixed(3)));
  for (const b of a.beats) {
    const isDown = down.has(b.toFixed(3));
    parts.push(`<line x1="${x(b).toFixed(1)}" x2="${x(b).toFixed(1)}" y1="${WAVE_TOP}" y2="${LOUD_TOP + LOUD_H}" stroke="#c0392b" stroke-opacity="${isDown ? 0.9 : 0.45}" stroke-width="${isDown ? 2 : 1}"/>`);
  }
  // Time axis.
  const step = niceStep(dur);
  for (let s = 0; s <= dur + 1e-9; s += step) {
    parts.push(`<line x1="${x(s)}" x2="${x(s)}" y1="${LOUD_TOP + LOUD_H}" y2="${LOUD_TOP + LOUD_H + 5}" stroke="#555"/>`);
    parts.push(`<text x="${x(s)}" y="${LOUD_TOP + LOUD_H + 18}" font-size="11" text-anchor="middle" fill="#555">${fmt(s)}s</text>`);
  }
  parts.push(`<rect x="${PAD_L}" y="${WAVE_TOP}" width="${plotW}" height="${WAVE_H}" fill="none" stroke="#bdc3c7"/>`);
  parts.push(`<rect x="${PAD_L}" y="${LOUD_TOP}" width="${plotW}" height="${LOUD_H}" fill="none" stroke="#bdc3c7"/>`);
  // Title and legend.
  const tempo = a.tempo === null ? 'no steady beat' : `${a.tempo.toFixed(1)} BPM, ${a.beats.length} beats`;
  parts.push(`<text x="${PAD_L}" y="24" font-size="15" font-weight="bold" fill="#2c3e50">${esc(title)}  ${esc(tempo)}  (${fmt(a.duration)} s)</text>`);
  const legend: [string, string][] = [
    ['#c0392b', 'beats (bold: downbeats)'],
    ['#7f8c8d', 'silence'],
    ['#2980b9', 'speech pause'],
    ['#e67e22', 'crescendo'],
    ['#8e44ad', 'swell'],
    ['#16a085', 'loudness (dBFS)'],
  ];
  let lx = W - PAD_R - 760;
  for (const [color, label] of legend) {
    parts.push(`<rect x="${lx}" y="13" width="12" height="12" fill="${color}" fill-opacity="0.7"/><text x="${lx + 16}" y="23" font-size="12" fill="#333">${label}</text>`);
    lx += 22 + label.length * 6.4;
  }
  parts.push(`<text x="${PAD_L}" y="${WAVE_TOP - 4}" font-size="11" fill="#555">waveform</text>`);
  parts.push(`<text x="${PAD_L}" y="${LOUD_TOP - 4}" font-size="11" fill="#555">loudness</text>`);
  void sampleRate;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Arial, sans-serif">${parts.join('')}</svg>`;
}

export async function analysisPng(a: AudioAnalysis, samples: Float32Array, sampleRate: number, title = ''): Promise<Buffer> {
  return sharp(Buffer.from(analysisSvg(a, samples, sampleRate, title))).png().toBuffer();
}

function niceStep(dur: number): number {
  for (const s of [0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600]) if (dur / s <= 20) return s;
  return 1200;
}

function fmt(s: number): string {
  return Number.isInteger(s) ? String(s) : s.toFixed(2).replace(/0+$/, '');
}

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
