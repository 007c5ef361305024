/**
 * What one video frame shows, read from the page's stores: the phase (title card, race, final card),
 * each lane with its spoken lines, waiting counter, latest silence breakdown and finish, and the
 * caption lines being spoken now. Drawing (cards.ts, lanes.ts, captions.ts) only reads this.
 */
import type { TurnTimeline } from '../../../shared/metrics';
import type { LiveOverlay } from '../overlay/overlay-live';
import { raceOver, ranking, type RaceLane, type RaceState } from '../race/race-store';
import { backendWords } from '../stage/backend-words';
import { waiting, waitingText } from '../stage/waiting';
import { LANE_COLORS } from './layout';
import { seconds } from './text';
import type { SpokenLine, VideoTranscript } from './transcript';

export interface TitleLane {
  label: string;
  spec: string;
}

export interface VideoLane {
  laneId: string;
  label: string;
  /** The backend in plain words ("Fast inference · 2,000 tok/s"). */
  words: string;
  color: string;
  lines: readonly SpokenLine[];
  /** "waiting… 1.2 s" / "replied in 0.4 s" / "". */
  waiting: string;
  waitingRunning: boolean;
  /** The newest finished turn's timeline (its silence breakdown). */
  lastTimeline: TurnTimeline | null;
  finish: RaceLane['finish'];
  /** One line when the lane failed. */
  failure: string | null;
}

export interface VideoFrame {
  phase: 'title' | 'race' | 'final';
  title: string;
  titleLanes: { label: string; words: string; color: string }[];
  lanes: VideoLane[];
  /** Ms since the race started; null before. */
  elapsedMs: number | null;
  /** Who won by how much, on the final card. */
  verdict: string | null;
  /** `Speaker (lane): text` of each line audible now. */
  captions: string[];
}

export interface FrameSources {
  race: RaceState;
  overlay: LiveOverlay;
  transcript: VideoTranscript;
  /** Engine time now; null before the clock is synced. */
  engineNowMs: number | null;
  /** Page time now (the race store's clock). */
  perfNowMs: number;
  title: string;
  titleLanes: readonly TitleLane[];
}

function words(spec: string): string {
  return backendWords({ spec, provider: spec.split(':')[0] ?? spec, model: '' });
}

export function verdictOf(race: RaceState): string | null {
  if (!raceOver(race)) return null;
  const [first, second] = ranking(race);
  if (!first) return 'No lane finished';
  if (!second) return race.laneOrder.length > 1 ? `${first.label} finished; the others did not` : null;
  return `${first.label} wins by ${seconds(second.finish!.totalMs - first.finish!.totalMs)}`;
}

export function buildFrame(src: FrameSources): VideoFrame {
  const { race } = src;
  const raceLanes = race.laneOrder.map((id) => race.lanes[id]).filter((l): l is RaceLane => l !== undefined);
  src.transcript.update(race.laneOrder);
  const lanes: VideoLane[] = raceLanes.map((lane, i) => {
    const turn = src.overlay.turn(lane.laneId);
    const w = waiting(turn, src.engineNowMs, race.speech);
    const lines = src.transcript.linesOf(lane.laneId);
    const lastTimeline = [...lines].reverse().find((l) => l.timeline !== null)?.timeline ?? null;
    return {
      laneId: lane.laneId,
      label: lane.label,
      words: words(lane.spec),
      color: LANE_COLORS[i % LANE_COLORS.length]!,
      lines,
      waiting: lane.finish ? '' : waitingText(w),
      waitingRunning: w.running,
      lastTimeline,
      finish: lane.finish,
      failure: lane.finish?.stoppedBy === 'error' ? `failed: ${lane.finish.error ?? 'error'}` : null,
    };
  });
  const captions: string[] = [];
  if (src.engineNowMs !== null) {
    for (const lane of lanes) {
      const now = src.engineNowMs;
      const speaking = lane.lines.find((l) => {
        const endAtMs = l.timeline?.at.playbackEndAtMs ?? null;
        return l.audibleAtMs <= now && (endAtMs === null || now < endAtMs) && l.text !== '';
      });
      if (speaking) captions.push(`${speaking.speaker ?? '…'} (${lane.label}): ${speaking.text}`);
    }
  }
  const phase = race.startedAt === null ? 'title' : raceOver(race) ? 'final' : 'race';
  return {
    phase,
    title: race.title ?? src.title,
    titleLanes: src.titleLanes.map((l, i) => ({
      label: l.label,
      words: words(l.spec),
      color: LANE_COLORS[i % LANE_COLORS.length]!,
    })),
    lanes,
    elapsedMs: race.startedAt === null ? null : src.perfNowMs - race.startedAt,
    verdict: verdictOf(race),
    captions,
  };
}
