/**
 * Catches a turn whose cancel is not one idempotent step: a second cancel (barge-in, then a reset,
 * then lane removal) that sends a second `interrupt` or answers with different words, or a cancel
 * that returns the whole reply instead of what the listener heard. A `Turn` on its own, with a
 * backend that streams and then hangs until cancelled, a TTS of known length per word and a player
 * that says when the audio became audible.
 */
import { describe, expect, it } from 'vitest';
import type { LlmTurnMetrics } from '../../src/shared/metrics';
import type { EngineEvent } from '../../src/shared/protocol';
import { systemClock } from '../../src/main/engine/clock';
import type { LlmProvider, LlmResult, LlmStreamRequest } from '../../src/main/engine/providers/llm/types';
import { Turn, type TurnPhase } from '../../src/main/engine/turn';
import type { TtsPort } from '../../src/main/engine/voice/ports';
import { SentenceChunker, ToneTts } from '../helpers/scripted-speech';

/** Streams `text` at once, then waits for the abort, as a stalled backend would. */
function hangingProvider(text: string): LlmProvider {
  return {
    id: 'hanging',
    model: 'test',
    label: 'hanging backend',
    async stream(request: LlmStreamRequest): Promise<LlmResult> {
      const atMs = systemClock.now();
      // Like a real client, a request already cancelled is never sent.
      const pieces = request.signal.aborted ? [] : (text.match(/\S+\s*/g) ?? []);
      for (const piece of pieces) request.onEvent({ kind: 'token', text: piece, atMs });
      if (!request.signal.aborted) {
        await new Promise<void>((resolve) => request.signal.addEventListener('abort', () => resolve()));
      }
      const metrics: LlmTurnMetrics = {
        requestAtMs: atMs,
        firstTokenAtMs: atMs,
        firstAnswerTokenAtMs: atMs,
        lastTokenAtMs: atMs,
        ttftMs: 0,
        tokens: 0,
        reasoningTokens: 0,
        tokenCountSource: 'chunks',
        tokensPerSecond: null,
        genMs: 0,
        totalMs: 0,
      };
      return { text, reasoningText: '', aborted: true, finishReason: null, metrics };
    },
  };
}

function startTurn(text: string, voice: TtsPort | null) {
  const events: EngineEvent[] = [];
  const phases: TurnPhase[] = [];
  let onSpeaking: () => void = () => {};
  const speaking = new Promise<void>((resolve) => (onSpeaking = resolve));
  const turn = new Turn(
    't-1',
    {
      userText: 'Count for me.',
      origin: { userDoneAtMs: systemClock.now() },
      messages: [{ role: 'user', content: 'Count for me.' }],
      provider: hangingProvider(text),
      voice,
    },
    {
      laneId: 't',
      clock: systemClock,
      createChunker: () => new SentenceChunker(),
      emit: (event) => events.push(event),
      sendAudio: () => {},
      onPhase: (phase) => {
        phases.push(phase);
        if (phase === 'speaking') onSpeaking();
      },
    },
  );
  const tokensIn = async (): Promise<void> => {
    while (!events.some((e) => e.type === 'llm.token')) await new Promise((r) => setTimeout(r, 5));
  };
  return { turn, events, phases, speaking, tokensIn };
}

const interrupts = (events: EngineEvent[]) => events.filter((e) => e.type === 'interrupt');

describe('Turn.cancel', () => {
  it('returns the words heard, the same on every call, and interrupts once', async () => {
    // 200 ms of tone per word: 1.1 s played is the whole first sentence (1 s); the second one never
    // leaves the chunker (no space after it), since the backend hangs until the cancel.
    const { turn, events, phases, speaking } = startTurn(
      'One two three four five. Six seven eight nine ten.',
      new ToneTts(0, 200),
    );
    await speaking;
    turn.playbackStarted(systemClock.now() - 1_100);
    turn.playbackStarted(systemClock.now()); // a second report changes nothing: the first one wins

    const heard = turn.cancel();
    expect(heard).toBe('One two three four five.');
    expect(turn.cancel()).toBe(heard);
    expect(interrupts(events)).toEqual([{ type: 'interrupt', laneId: 't', turnId: 't-1', heardText: heard }]);

    turn.playbackEnded({ playedMs: 1_100, endedAtMs: systemClock.now(), interrupted: true });
    const result = await turn.result;
    expect(result).toMatchObject({ turnId: 't-1', assistantText: heard, interrupted: true, text: null });
    expect(result.timeline?.interrupted).toBe(true);
    expect(result.timeline?.speechMs).toBe(1_100);
    expect(phases).toEqual(['thinking', 'speaking']);

    // After the end too: same words, no second interrupt.
    expect(turn.cancel()).toBe(heard);
    expect(interrupts(events)).toHaveLength(1);
    // A cancelled turn ends quietly: no error, whatever its backend did on the way out.
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
  });

  it('a sentence still waiting for its audio was not heard, though the listener heard all before it', async () => {
    // Regression: a chunk queued behind a slow synthesis kept its queue-time position (0 ms), so once
    // the first sentence had played, a barge-in counted the unspoken second sentence as heard.
    const tone = new ToneTts(0, 200);
    const slowSecond: TtsPort = {
      label: 'first chunk at once, the rest never',
      synthesize: (text, signal, onAudio) =>
        tone.spoken.length === 0
          ? tone.synthesize(text, signal, onAudio)
          : new Promise((resolve) => signal.addEventListener('abort', () => resolve())),
    };
    const { turn, speaking } = startTurn('One two three four five. Six seven eight nine ten. ', slowSecond);
    await speaking;
    turn.playbackStarted(systemClock.now() - 1_100);
    expect(turn.cancel()).toBe('One two three four five.');
    turn.playbackEnded({ playedMs: 1_000, endedAtMs: systemClock.now(), interrupted: true });
    expect((await turn.result).assistantText).toBe('One two three four five.');
  });

  it('without a voice, returns the text received so far', async () => {
    const { turn, events, tokensIn } = startTurn('Hello there, listener', null);
    await tokensIn();
    expect(turn.cancel()).toBe('Hello there, listener');
    expect(turn.cancel()).toBe('Hello there, listener');
    expect(interrupts(events)).toHaveLength(1);
    const result = await turn.result;
    expect(result).toMatchObject({ assistantText: 'Hello there, listener', interrupted: true, text: null });
  });

  it('cancelled before its plan is ready: hears nothing, starts no audio, still ends with a timeline', async () => {
    let ready: (plan: ConstructorParameters<typeof Turn>[1]) => void = () => {};
    const events: EngineEvent[] = [];
    const turn = new Turn('t-2', new Promise((resolve) => (ready = resolve)), {
      laneId: 't',
      clock: systemClock,
      createChunker: () => new SentenceChunker(),
      emit: (event) => events.push(event),
      sendAudio: () => {
        throw new Error('a cancelled turn must send no audio');
      },
      onPhase: () => {},
    });
    expect(turn.cancel()).toBe('');
    ready({
      userText: 'Hi.',
      origin: { userDoneAtMs: systemClock.now() },
      messages: [],
      provider: hangingProvider('Too late. '),
      voice: new ToneTts(0, 200),
    });
    const result = await turn.result;
    expect(result).toMatchObject({ assistantText: null, interrupted: true, text: null });
    expect(result.timeline?.interrupted).toBe(true);
    expect(interrupts(events)).toHaveLength(1);
  });
});
