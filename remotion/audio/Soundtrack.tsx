/** Narration clips at their sections, and the music bed: looped or trimmed, faded, ducked under narration. */
import React from 'react';
import { Html5Audio, Sequence } from 'remotion';
import { musicVolumeAt } from '../../src/timeline/music-volume';
import type { Timeline } from '../../src/timeline/types';

export const Soundtrack: React.FC<{ timeline: Timeline }> = ({ timeline }) => {
  const { music } = timeline;
  return (
    <>
      {timeline.narration.map((n) => (
        <Sequence key={n.sectionId} from={n.from} durationInFrames={n.durationInFrames} layout="none" name={`narration ${n.sectionId}`}>
          <Html5Audio src={n.src} volume={n.volume} />
        </Sequence>
      ))}
      {music ? (
        <Sequence from={0} durationInFrames={timeline.durationInFrames} layout="none" name="music">
          <Html5Audio
            src={music.src}
            loop={music.loop}
            {...(music.offsetFrames > 0 ? { trimBefore: music.offsetFrames } : {})}
            loopVolumeCurveBehavior="extend"
            volume={(f) => musicVolumeAt(music, f, timeline.durationInFrames)}
          />
        </Sequence>
      ) : null}
    </>
  );
};
