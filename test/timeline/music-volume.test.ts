import { describe, expect, it } from 'vitest';
import { duckGainAt, musicVolumeAt } from '../../src/timeline/music-volume';
import type { MusicTrack } from '../../src/timeline/types';

const track: MusicTrack = {
  src: 'm.wav',
  volume: 0.5,
  loop: true,
  offsetFrames: 0,
  fileDurationInFrames: 600,
  fadeInFrames: 30,
  fadeOutFrames: 60,
  duck: { gain: 0.25, attackFrames: 10, releaseFrames: 20, ranges: [[100, 200]] },
};

describe('music volume', () => {
  it('fades in and out', () => {
    expect(musicVolumeAt(track, 0, 1000)).toBe(0);
    expect(musicVolumeAt(track, 15, 1000)).toBeCloseTo(0.25, 6);
    expect(musicVolumeAt(track, 50, 1000)).toBeCloseTo(0.5, 6);
    expect(musicVolumeAt(track, 999, 1000)).toBe(0);
    expect(musicVolumeAt(track, 969, 1000)).toBeCloseTo(0.25, 6);
  });

  it('ducks by the gain during narration with attack and release ramps', () => {
    const duck = track.duck!;
    expect(duckGainAt(duck, 80)).toBe(1);
    expect(duckGainAt(duck, 95)).toBeCloseTo(1 - 0.75 * 0.5, 6);
    expect(duckGainAt(duck, 150)).toBeCloseTo(0.25, 6);
    expect(duckGainAt(duck, 210)).toBeCloseTo(1 - 0.75 * 0.5, 6);
    expect(duckGainAt(duck, 230)).toBe(1);
    expect(musicVolumeAt(track, 150, 1000)).toBeCloseTo(0.125, 6);
  });
});
