/**
 * What a video is drawn from, taken from the app's services: a transcript that follows the race (a
 * line appears once it is audible) and, each frame, the race, the live overlay and both clocks. The
 * render page and the app's recorder draw the same picture because they read it here.
 */
import type { Services } from '../app/services';
import type { FrameSources, TitleLane } from './frame-model';
import { VideoTranscript } from './transcript';

export interface VideoTitle {
  title: string;
  titleLanes: readonly TitleLane[];
}

export interface AppVideoSources {
  transcript: VideoTranscript;
  /** The sources of the frame being drawn now. */
  frame(): FrameSources;
  /** Stops following the race. */
  stop(): void;
}

export function appVideoSources(services: Services, title: () => VideoTitle): AppVideoSources {
  const transcript = new VideoTranscript(
    services.overlay.live,
    services.live,
    (laneId, turnId) =>
      services.overlay.store.getState().history[laneId]?.find((t) => t.turnId === turnId)?.timeline ?? null,
  );
  transcript.noteRace(services.race.getState());
  const stop = services.race.subscribe((s) => transcript.noteRace(s));
  return {
    transcript,
    stop,
    frame: () => {
      const perfNowMs = performance.now();
      const offset = services.voice.offsetMs();
      return {
        race: services.race.getState(),
        overlay: services.overlay.live,
        transcript,
        engineNowMs: offset === null ? null : perfNowMs + offset,
        perfNowMs,
        ...title(),
      };
    },
  };
}
