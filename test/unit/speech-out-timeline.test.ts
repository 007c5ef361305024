/**
 * Catches a speech-out timeline that is off by a token or a few ms (counting the token after the
 * first chunk, leaving reasoning tokens out, stamping the chunk or the audio late): scripted tokens
 * and a TTS of known delay on a simulated clock, through the engine's own messages, must give exact
 * `firstChunkTokens`, `firstChunkMs`, `ttsMs`, `playoutMs` and `gapMs`; and the what-if prediction
 * must be exactly the gap a rerun at that speed measures.
 */
import { describe, expect, it } from 'vitest';
import { decodeAudioFrame } from '../../src/shared/audio-frames';
import type { LlmTurnMetrics, TurnTimeline } from '../../src/shared/metrics';
import { gapAt } from '../../src/shared/what-if';
import type { EngineEvent } from '../../src/shared/protocol';
import { turnIdOf } from '../../src/shared/turn-id';
import type { Clock } from '../../src/main/engine/clock';
import { Engine, type EngineClient } from '../../src/main/engine/engine';
import type { LlmProvider, LlmResult, LlmStreamRequest } from '../../src/main/engine/providers/llm/types';
import type { TtsPort } from '../../src/main/engine/voice/ports';
import { DelayedStt, SentenceChunker, energyVad } from '../helpers/scripted-speech';

/**
 * Engine time that moves only when every pending callback has run and the earliest sleeper is due,
 * so each figure is a known sum of the delays below, whatever the machine's load.
 */
class SimClock implements Clock {
  private t = 10_000;
  private seq = 0;
  private sleepers: { atMs: number; seq: number; wake: () => void }[] = [];

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((wake) => this.sleepers.push({ atMs: this.t + ms, seq: this.seq++, wake }));
  }

  /** Runs the simulation until `until()` holds; fails rather than hang if nothing is left to run. */
  async runUntil(until: () => boolean): Promise<void> {
    for (let idle = 0; !until();) {
      await new Promise((resolve) => setImmediate(resolve));
      if (until()) return;
      this.sleepers.sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
      const next = this.sleepers.shift();
      if (next) {
        idle = 0;
        this.t = Math.max(this.t, next.atMs);
        next.wake();
      } else if (++idle > 200) {
        throw new Error('the turn stopped with nothing left to wait for');
      }
    }
  }
}

const TTFT_MS = 200;
const TOKEN_GAP_MS = 10;
const TTS_DELAY_MS = 45;
const PLAYOUT_MS = 30;
/** Tone per chunk the TTS speaks, ms. */
const CHUNK_AUDIO_MS = 100;
const RATE = 16_000;

type Piece = { kind: 'token' | 'reasoning'; text: string };
/** How fast the scripted backend answers, ms. */
type Pace = { ttftMs: number; tokenGapMs: number };
const PACE: Pace = { ttftMs: TTFT_MS, tokenGapMs: TOKEN_GAP_MS };

/** A provider that streams `pieces` at `pace` on the simulated clock. */
function scriptedProvider(clock: SimClock, pieces: Piece[], pace: Pace): LlmProvider {
  return {
    id: 'scripted',
    model: 'scripted',
    label: 'Scripted',
    async stream(request: LlmStreamRequest): Promise<LlmResult> {
      const requestAtMs = clock.now();
      let firstTokenAtMs: number | null = null;
      let firstAnswerTokenAtMs: number | null = null;
      let text = '';
      let reasoningText = '';
      for (const [i, piece] of pieces.entries()) {
        await clock.sleep(i === 0 ? pace.ttftMs : pace.tokenGapMs);
        const atMs = clock.now();
        firstTokenAtMs ??= atMs;
        if (piece.kind === 'token') {
          firstAnswerTokenAtMs ??= atMs;
          text += piece.text;
        } else {
          reasoningText += piece.text;
        }
        request.onEvent({ kind: piece.kind, text: piece.text, atMs });
      }
      const lastTokenAtMs = clock.now();
      const answers = pieces.filter((p) => p.kind === 'token').length;
      const metrics: LlmTurnMetrics = {
        requestAtMs,
        firstTokenAtMs,
        firstAnswerTokenAtMs,
        lastTokenAtMs,
        ttftMs: firstTokenAtMs === null ? null : firstTokenAtMs - requestAtMs,
        tokens: answers,
        reasoningTokens: pieces.length - answers,
        tokenCountSource: 'chunks',
        tokensPerSecond: null,
        genMs: firstTokenAtMs === null ? 0 : lastTokenAtMs - firstTokenAtMs,
        totalMs: lastTokenAtMs - requestAtMs,
      };
      return { text, reasoningText, aborted: false, finishReason: 'stop', metrics };
    },
  };
}

/** First audio TTS_DELAY_MS after a chunk reaches it, then CHUNK_AUDIO_MS of tone in one frame. */
function delayedTts(clock: SimClock): TtsPort & { spoken: string[] } {
  const spoken: string[] = [];
  return {
    label: 'scripted TTS',
    spoken,
    async synthesize(text, signal, onAudio) {
      spoken.push(text);
      await clock.sleep(TTS_DELAY_MS);
      if (signal.aborted) return;
      const samples = new Int16Array((CHUNK_AUDIO_MS * RATE) / 1000).fill(4000);
      onAudio(samples, RATE);
    },
  };
}

/** One typed turn on lane `t` through the engine; a pretend player reports what it heard. */
async function timelineOf(
  pieces: Piece[],
  pace = PACE,
): Promise<{ timeline: TurnTimeline; spoken: string[] }> {
  const clock = new SimClock();
  const tts = delayedTts(clock);
  const engine = new Engine({
    clock,
    env: {},
    createProvider: () => scriptedProvider(clock, pieces, pace),
    speech: {
      createVad: async () => energyVad(),
      createStt: () => new DelayedStt(0, ''),
      createTts: (spec) => (spec.provider === 'none' ? null : tts),
      createChunker: () => new SentenceChunker(),
    },
  });
  const events: EngineEvent[] = [];
  const client: EngineClient = {
    send: (event) => events.push(event),
    sendBinary: (data) => {
      const frame = decodeAudioFrame(data);
      const turnId = turnIdOf(frame.laneId, frame.turn);
      // The player: audible PLAYOUT_MS after the first frame; the empty frame closes the turn's audio.
      if (frame.samples.length > 0) {
        if (!heard.has(turnId)) {
          heard.set(turnId, 0);
          const audibleAtMs = frame.atMs + PLAYOUT_MS;
          void clock
            .sleep(PLAYOUT_MS)
            .then(() =>
              engine.handle(client, { type: 'playback.started', laneId: frame.laneId, turnId, audibleAtMs }),
            );
        }
        heard.set(turnId, heard.get(turnId)! + (frame.samples.length * 1000) / frame.sampleRate);
        return;
      }
      const playedMs = heard.get(turnId) ?? 0;
      void clock.sleep(PLAYOUT_MS + playedMs).then(() =>
        engine.handle(client, {
          type: 'playback.ended',
          laneId: frame.laneId,
          turnId,
          playedMs,
          endedAtMs: clock.now(),
          interrupted: false,
        }),
      );
    },
  };
  const heard = new Map<string, number>();
  engine.connect(client);
  engine.handle(client, { type: 'lane.create', laneId: 't', spec: 'sim' });
  engine.handle(client, { type: 'lane.speech', laneId: 't', tts: 'espeak' });
  engine.handle(client, { type: 'chat.send', laneId: 't', text: 'Tell me something.' });
  const metrics = () => events.find((e) => e.type === 'turn.metrics');
  await clock.runUntil(() => metrics() !== undefined);
  const errors = events.filter((e) => e.type === 'error');
  expect(errors).toEqual([]);
  const done = metrics();
  if (done?.type !== 'turn.metrics') throw new Error('no turn.metrics');
  return { timeline: done.timeline, spoken: tts.spoken };
}

const answer = (...texts: string[]): Piece[] => texts.map((text) => ({ kind: 'token', text }));
const thought = (...texts: string[]): Piece[] => texts.map((text) => ({ kind: 'reasoning', text }));

describe('speech-out timeline on a simulated clock', () => {
  it('counts the tokens up to the one that completed the first chunk, reasoning included', async () => {
    // The chunker cuts "Hello there." when the space of " How" arrives: the 3rd answer token, after 3 thoughts.
    const { timeline, spoken } = await timelineOf([
      ...thought('Let', ' me', ' think'),
      ...answer('Hello', ' there.', ' How', ' are', ' you?'),
    ]);
    expect(spoken).toEqual(['Hello there.', 'How are you?']);
    expect(timeline.firstChunkTokens).toBe(3 + 3);
    expect(timeline.reasoningTokens).toBe(3);
    expect(timeline.ttftMs).toBe(TTFT_MS);
    // First token (the first thought) → the 6th token: five gaps.
    expect(timeline.firstChunkMs).toBe(5 * TOKEN_GAP_MS);
    expect(timeline.ttsMs).toBe(TTS_DELAY_MS);
    expect(timeline.playoutMs).toBe(PLAYOUT_MS);
    expect(timeline.gapMs).toBe(TTFT_MS + 5 * TOKEN_GAP_MS + TTS_DELAY_MS + PLAYOUT_MS);
    expect(timeline.speechMs).toBe(2 * CHUNK_AUDIO_MS);
    expect(timeline.at.firstChunkAtMs! - timeline.at.firstTokenAtMs!).toBe(timeline.firstChunkMs);
  });

  it('a reply that is one chunk waits for the end of the stream: every token counts', async () => {
    const { timeline, spoken } = await timelineOf(answer('Just', ' one', ' line'));
    expect(spoken).toEqual(['Just one line']);
    expect(timeline.firstChunkTokens).toBe(3);
    expect(timeline.firstChunkMs).toBe(2 * TOKEN_GAP_MS);
    expect(timeline.ttsMs).toBe(TTS_DELAY_MS);
    expect(timeline.gapMs).toBe(TTFT_MS + 2 * TOKEN_GAP_MS + TTS_DELAY_MS + PLAYOUT_MS);
  });

  it('the first chunk on the very first token: no gap, one token', async () => {
    const { timeline } = await timelineOf(answer('Yes. ', 'And', ' more.'));
    expect(timeline.firstChunkTokens).toBe(1);
    expect(timeline.firstChunkMs).toBe(0);
    expect(timeline.ttsMs).toBe(TTS_DELAY_MS);
  });

  it('the what-if gap at another speed is the gap a rerun at that speed measures, to the ms', async () => {
    const pieces = [...thought('Hmm', ' well'), ...answer('Sure,', ' here', ' it', ' is.', ' Done.')];
    const { timeline: recorded } = await timelineOf(pieces);
    const speed = { tps: 400, ttftMs: 50 };
    const { timeline: rerun } = await timelineOf(pieces, {
      ttftMs: speed.ttftMs,
      tokenGapMs: 1000 / speed.tps,
    });
    expect(rerun.firstChunkTokens).toBe(recorded.firstChunkTokens);
    expect(gapAt(recorded, speed)).toBe(rerun.gapMs);
    // Two thoughts and four words to the first chunk: seven tokens, six gaps.
    expect(recorded.firstChunkTokens).toBe(7);
    expect(recorded.gapMs! - rerun.gapMs!).toBe(TTFT_MS - 50 + 6 * (TOKEN_GAP_MS - 2.5));
  });
});
