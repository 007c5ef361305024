/** Subtitles from the playback timeline: one builder for `render` and the app's recording (shared/). */
export { raceCues } from '../../shared/race-cues';
