/**
 * The soundtrack of a plan alone (narration and music, no pictures): what segmented renders
 * render once for the whole video while the pictures are rendered in segments. Seeking it is
 * cheap, so the audio pass costs little next to the frames.
 */
import React, { useMemo } from 'react';
import { useVideoConfig } from 'remotion';
import { formatByCompositionId } from '../src/plan/formats';
import type { CompositionProps } from '../src/plan/schema';
import { buildTimeline } from '../src/timeline/build-timeline';
import { Soundtrack } from './audio/Soundtrack';

export const SoundtrackVideo: React.FC<CompositionProps> = ({ plan, media }) => {
  const { id } = useVideoConfig();
  const timeline = useMemo(() => {
    if (!media) throw new Error('SoundtrackVideo needs resolved media (calculateMetadata provides it)');
    return buildTimeline(plan, media, formatByCompositionId(id).id);
  }, [plan, media, id]);
  return <Soundtrack timeline={timeline} />;
};
