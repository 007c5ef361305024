/**
 * One lane's bot-to-bot conversation. The two personas take turns on the lane: each reply is spoken
 * in its persona's voice and handed to the other persona as text when its audio ends (the natural
 * turn boundary), so the gap between bots is measured like a human turn's, from the end of the
 * previous bot's audio to the first audible sample of the reply. Each persona sees the conversation
 * from its own side: its lines as `assistant`, the other's as `user`.
 */
import type { TurnTimeline } from '../../../shared/metrics';
import type { Scenario, StopRule, StoppedBy } from '../../../shared/scenario';
import type { Clock } from '../clock';
import { DEFAULT_CONTEXT_CHARS, fitContext, type WindowedContext } from '../context-window';
import type { Lane } from '../lane';
import type { TtsPort } from '../voice/ports';
import { GivenLine } from './instant';

/** One spoken line of the run. */
export interface ScenarioTurn {
  /** 0 is the opening line. */
  index: number;
  speaker: string;
  text: string;
  /** The opening line is given, not generated: it has no gap and is not dead air. */
  opening: boolean;
  /** End of the previous bot's audio → first audible sample of this line, ms. */
  gapMs: number | null;
  timeline: TurnTimeline | null;
}

/** A lane's finish line. */
export interface LaneFinish {
  /** Start → end of the last line's audio, ms. */
  totalMs: number;
  /** Sum of the gaps between bots, ms. */
  deadAirMs: number;
  /** Lines spoken, the opening included. */
  turns: number;
  meanGapMs: number | null;
  stoppedBy: StoppedBy;
  /** Why the lane stopped early (stoppedBy `error`). */
  error?: string;
}

export interface RunnerOptions {
  lane: Pick<Lane, 'id' | 'send' | 'cancel' | 'backend'>;
  clock: Clock;
  scenario: Scenario;
  /** Each persona's voice, in the scenario's persona order (null: not spoken). */
  voices: [TtsPort | null, TtsPort | null];
  /** Overrides the scenario's `stop.maxTurns`. */
  maxTurns?: number;
  /** Ignore the script: the personas generate live (the stop rule still ends the run). */
  live?: boolean;
  /** Each request's context window, characters (the lane's `contextChars`); default DEFAULT_CONTEXT_CHARS. */
  contextChars?: number;
  onTurn?: (turn: ScenarioTurn) => void;
}

const SPOKEN_STYLE =
  'This is a spoken conversation: reply with one or two short, natural sentences. No lists, no ' +
  'markdown, no emoji, and never write your own name before your line.';

export class ConversationRunner {
  private stopped = false;

  constructor(private readonly opts: RunnerOptions) {}

  /** Ends the run now: the turn in flight is cancelled and the lane finishes as `stopped`. */
  stop(): void {
    this.stopped = true;
    this.opts.lane.cancel();
  }

  async run(): Promise<LaneFinish> {
    const { lane, clock, scenario, voices } = this.opts;
    const rule = { ...scenario.stop, maxTurns: this.opts.maxTurns ?? scenario.stop.maxTurns };
    const names = scenario.personas.map((p) => p.name);
    const startAtMs = clock.now();
    const lines: { speaker: 0 | 1; text: string }[] = [];
    const gaps: number[] = [];
    let endAtMs = startAtMs;
    let speaker: 0 | 1 = names.indexOf(scenario.opener) === 1 ? 1 : 0;
    const finish = (stoppedBy: StoppedBy, error?: string): LaneFinish => {
      const deadAirMs = gaps.reduce((a, b) => a + b, 0);
      return {
        totalMs: endAtMs - startAtMs,
        deadAirMs,
        turns: lines.length,
        meanGapMs: gaps.length ? deadAirMs / gaps.length : null,
        stoppedBy,
        ...(error !== undefined ? { error } : {}),
      };
    };

    for (let index = 0; ; index++) {
      if (this.stopped) return finish('stopped');
      const reason = stopReason(lines, rule, clock.now() - startAtMs);
      if (reason) return finish(reason);
      const opening = index === 0;
      const scripted = opening || this.opts.live ? undefined : scenario.script[index - 1];
      const userText = opening ? '' : lines.at(-1)!.text;
      const view = personaView(scenario, speaker, lines, this.opts.contextChars);
      // Each persona's line is planned here, whole: its side of the conversation, its voice, its name.
      const result = await lane.send({
        userText,
        origin: { userDoneAtMs: endAtMs },
        messages: view.messages,
        context: view.report,
        provider: opening ? new GivenLine(scenario.opening, clock) : lane.backend,
        voice: voices[speaker],
        speaker: { name: names[speaker]!, role: speaker === 0 ? 'user' : 'assistant' },
        ...(scripted !== undefined ? { simReply: scripted } : {}),
      });
      if (this.stopped) return finish('stopped');
      if (result.error) return finish('error', result.error.message);
      if (result.text === null) return finish('stopped');
      const timeline = result.timeline;
      endAtMs = timeline?.at.playbackEndAtMs ?? clock.now();
      const gapMs = opening ? null : (timeline?.gapMs ?? null);
      if (gapMs !== null) gaps.push(gapMs);
      lines.push({ speaker, text: result.text });
      this.opts.onTurn?.({ index, speaker: names[speaker]!, text: result.text, opening, gapMs, timeline });
      speaker = speaker === 0 ? 1 : 0;
    }
  }
}

/**
 * The context for `me`'s next line: its persona prompt, then the newest lines so far from its side
 * that fit the context window (each line is a turn of its own).
 */
export function personaView(
  scenario: Scenario,
  me: 0 | 1,
  lines: readonly { speaker: 0 | 1; text: string }[],
  contextChars = DEFAULT_CONTEXT_CHARS,
): WindowedContext {
  const self = scenario.personas[me];
  const other = scenario.personas[me === 0 ? 1 : 0];
  return fitContext(
    `${self.prompt}\n\nYou are talking with ${other.name}. ${SPOKEN_STYLE}`,
    lines.map((l) => [
      { role: l.speaker === me ? ('assistant' as const) : ('user' as const), content: l.text },
    ]),
    contextChars,
  );
}

/** Which rule, if any, ends the run after these lines (checked before each new line). */
export function stopReason(
  lines: readonly { speaker: 0 | 1; text: string }[],
  rule: StopRule,
  elapsedMs: number,
): StoppedBy | null {
  const last = lines.at(-1);
  if (last && rule.phrase !== undefined && containsWords(last.text, rule.phrase)) return 'phrase';
  if (rule.bothGoodbye && lines.length >= 2) {
    const [a, b] = lines.slice(-2) as [(typeof lines)[number], (typeof lines)[number]];
    const bye = (text: string): boolean => rule.goodbyeWords.some((w) => containsWords(text, w));
    if (a.speaker !== b.speaker && bye(a.text) && bye(b.text)) return 'goodbye';
  }
  if (lines.length >= rule.maxTurns) return 'max-turns';
  if (rule.maxSeconds !== undefined && elapsedMs >= rule.maxSeconds * 1000) return 'max-time';
  return null;
}

/** Whole words, any case, any spacing or punctuation between them. */
function containsWords(text: string, phrase: string): boolean {
  const words = phrase.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
  if (words.length === 0) return false;
  const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped.join("[^\\p{L}\\p{N}']+")}(?![\\p{L}\\p{N}])`, 'iu').test(
    text,
  );
}
