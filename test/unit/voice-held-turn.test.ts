/**
 * A speculative turn on its own: held, its request, tokens and speech run but nothing leaves it; adopted,
 * what it held goes out in order and the rest follows; cancelled while held, it is discarded without a
 * word (no `interrupt`, no `turn.metrics`, no audio, no phase). Bugs it pins: a speculative reply heard
 * or shown while the user still speaks, a discarded one surfacing as an interruption, and an adopted
 * one losing the events it made while held.
 */
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/shared/protocol';
import { systemClock } from '../../src/main/engine/clock';
import type { LlmProvider, LlmResult, LlmStreamRequest } from '../../src/main/engine/providers/llm/types';
import { Turn, type TurnPhase } from '../../src/main/engine/turn';
import { SentenceChunker, ToneTts } from '../helpers/scripted-speech';

/** Streams the words of `text` 5 ms apart, then completes (or stops at the abort). */
function wordsProvider(text: string): LlmProvider {
  return {
    id: 'words',
    model: 'test',
    label: 'words backend',
    async stream(request: LlmStreamRequest): Promise<LlmResult> {
      const requestAtMs = systemClock.now();
      let tokens = 0;
      for (const piece of text.match(/\S+\s*/g) ?? []) {
        if (request.signal.aborted) break;
        await new Promise((r) => setTimeout(r, 5));
        request.onEvent({ kind: 'token', text: piece, atMs: systemClock.now() });
        tokens += 1;
      }
      const atMs = systemClock.now();
      return {
        text,
        reasoningText: '',
        aborted: request.signal.aborted,
        finishReason: request.signal.aborted ? null : 'stop',
        metrics: {
          requestAtMs,
          firstTokenAtMs: requestAtMs,
          firstAnswerTokenAtMs: requestAtMs,
          lastTokenAtMs: atMs,
          ttftMs: 5,
          tokens,
          reasoningTokens: 0,
          tokenCountSource: 'chunks',
          tokensPerSecond: null,
          genMs: atMs - requestAtMs,
          totalMs: atMs - requestAtMs,
        },
      };
    },
  };
}

function heldTurn(text: string) {
  const events: EngineEvent[] = [];
  const phases: TurnPhase[] = [];
  let audioFrames = 0;
  const turn = new Turn(
    't-1',
    {
      userText: 'Is it raining?',
      origin: { userDoneAtMs: systemClock.now() },
      messages: [{ role: 'user', content: 'Is it raining?' }],
      provider: wordsProvider(text),
      voice: new ToneTts(5, 40),
    },
    {
      laneId: 't',
      clock: systemClock,
      createChunker: () => new SentenceChunker(),
      emit: (e) => events.push(e),
      sendAudio: (samples) => {
        if (samples.length > 0) audioFrames += 1;
      },
      onPhase: (p) => phases.push(p),
      held: true,
    },
  );
  return { turn, events, phases, frames: () => audioFrames };
}

const REPLY = 'No rain today. The sky is clear.';

describe('a held (speculative) turn', () => {
  it('sends nothing while held; adopted, it sends what it made in order, then the rest', async () => {
    const { turn, events, phases, frames } = heldTurn(REPLY);
    await new Promise((r) => setTimeout(r, 120)); // the whole reply streams and is synthesized meanwhile
    expect(turn.held).toBe(true);
    expect(events).toEqual([]);
    expect(phases).toEqual([]);
    expect(frames()).toBe(0);
    expect(turn.generatedTokens).toBeGreaterThan(0);

    const lastVoicedAtMs = systemClock.now() - 300;
    expect(
      turn.adopt({ userDoneAtMs: lastVoicedAtMs, lastVoicedAtMs, endpointAtMs: lastVoicedAtMs + 200 }),
    ).toBe(true);
    expect(turn.held).toBe(false);
    expect(events[0]?.type).toBe('turn.started');
    expect(phases).toEqual(['thinking', 'speaking']);
    expect(frames()).toBeGreaterThan(0);
    turn.playbackStarted(systemClock.now());
    turn.playbackEnded({ playedMs: 1_000, endedAtMs: systemClock.now(), interrupted: false });
    const result = await turn.result;
    expect(result.text).toBe(REPLY);
    expect(events.map((e) => e.type)).toContain('llm.done');
    // The timeline is the adopted user's: the gap runs from their last voiced audio.
    expect(result.timeline?.at.lastVoicedAtMs).toBe(lastVoicedAtMs);
    expect(events.filter((e) => e.type === 'interrupt')).toEqual([]);
  });

  it('cancelled while held, it is discarded: no interrupt, no metrics, no audio, nothing at all', async () => {
    const { turn, events, phases, frames } = heldTurn(REPLY);
    await new Promise((r) => setTimeout(r, 20));
    turn.cancel();
    const result = await turn.result;
    expect(turn.discarded).toBe(true);
    expect(turn.adopt({ userDoneAtMs: 0 })).toBe(false);
    expect(result.text).toBeNull();
    expect(events).toEqual([]);
    expect(phases).toEqual([]);
    expect(frames()).toBe(0);
  });
});
