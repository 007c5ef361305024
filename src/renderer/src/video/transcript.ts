/**
 * The lines each lane has spoken so far, as the viewer heard them: a line joins the transcript when
 * this page's player reports its first sample audible (the live overlay's `audibleAtMs` mark), not
 * when its text was generated, so the picture never runs ahead of the sound. The speaker's name and
 * the line's gap come from the race's progress (one per line, in order), once the line is spoken.
 */
import type { TurnTimeline } from '../../../shared/metrics';
import type { LiveOverlay } from '../overlay/overlay-live';
import type { RaceState } from '../race/race-store';
import type { LiveTurns } from '../stream/live-turns';

export interface SpokenLine {
  turnId: string;
  /** Engine time the line became audible. */
  audibleAtMs: number;
  text: string;
  /** Known once the race reports the line. */
  speaker: string | null;
  /** The silence before the line, ms (null for the opening, or until reported). */
  gapMs: number | null;
  timeline: TurnTimeline | null;
}

interface LaneProgress {
  speakers: string[];
  texts: string[];
  gapsMs: (number | null)[];
  deadAirMs: number;
}

export class VideoTranscript {
  private readonly lines = new Map<string, SpokenLine[]>();
  private readonly progress = new Map<string, LaneProgress>();
  private raceStartedAt: number | null = null;

  constructor(
    private readonly overlay: LiveOverlay,
    private readonly live: LiveTurns,
    /** A finished turn's timeline (the overlay's history keeps them; the live turn moves on at once). */
    private readonly timelineOf: (laneId: string, turnId: string) => TurnTimeline | null,
  ) {}

  /** Call on every race store change: the newest line of each lane that advanced. */
  noteRace(race: RaceState): void {
    if (race.startedAt !== this.raceStartedAt) {
      // A new race: nothing of the last one stays on screen.
      this.raceStartedAt = race.startedAt;
      this.lines.clear();
      this.progress.clear();
    }
    for (const laneId of race.laneOrder) {
      const lane = race.lanes[laneId];
      if (!lane || lane.speaker === null || lane.lastText === null) continue;
      const p = this.progress.get(laneId) ?? { speakers: [], texts: [], gapsMs: [], deadAirMs: 0 };
      this.progress.set(laneId, p);
      if (lane.turns > p.speakers.length) {
        // deadAirMs is the sum of gaps: its growth is this line's gap (null for the opening).
        const gapMs = p.speakers.length === 0 ? null : lane.deadAirMs - p.deadAirMs;
        p.speakers[lane.turns - 1] = lane.speaker;
        p.texts[lane.turns - 1] = lane.lastText;
        p.gapsMs[lane.turns - 1] = gapMs;
        p.deadAirMs = lane.deadAirMs;
      }
    }
  }

  /** Call once per frame: picks up lines that became audible since the last frame. */
  update(laneIds: readonly string[]): void {
    for (const laneId of laneIds) {
      const turn = this.overlay.turn(laneId);
      const audibleAtMs = turn?.timeline?.at.audibleAtMs ?? turn?.marks.audibleAtMs ?? null;
      const lines = this.lines.get(laneId) ?? [];
      this.lines.set(laneId, lines);
      if (turn?.turnId && audibleAtMs !== null && !lines.some((l) => l.turnId === turn.turnId)) {
        lines.push({
          turnId: turn.turnId,
          audibleAtMs,
          text: '',
          speaker: null,
          gapMs: null,
          timeline: null,
        });
      }
      const p = this.progress.get(laneId);
      lines.forEach((line, i) => {
        const liveText = this.live.find(laneId, line.turnId)?.answer.text();
        line.text = p?.texts[i] ?? liveText ?? line.text;
        line.speaker = p?.speakers[i] ?? this.live.find(laneId, line.turnId)?.speaker ?? null;
        line.gapMs = p?.gapsMs[i] ?? null;
        line.timeline ??= this.timelineOf(laneId, line.turnId);
      });
    }
  }

  linesOf(laneId: string): readonly SpokenLine[] {
    return this.lines.get(laneId) ?? [];
  }
}
