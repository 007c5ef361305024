/**
 * A recording saved before the metrics' engine-clock points were named `…AtMs` (`requestMs`,
 * `firstTokenMs`, …) must still read, with the same values under the new names; without that, every
 * older recording file was refused as damaged.
 */
import { describe, expect, it } from 'vitest';
import { RECORDING_FORMAT, RECORDING_VERSION } from '../../src/main/engine/recording/format';
import { parseRecording } from '../../src/main/engine/recording/reader';

/** One turn as a recording file stores it; `metrics` is spliced in as given. */
function fileText(metrics: Record<string, unknown>): string {
  return JSON.stringify({
    format: RECORDING_FORMAT,
    version: RECORDING_VERSION,
    recordedAt: '2026-11-27T04:00:00.000Z',
    provider: { id: 'cerebras', model: 'llama3.1-8b', label: 'Cerebras · llama3.1-8b' },
    spec: 'cerebras:key=***',
    turns: [
      {
        index: 1,
        startedAt: '2026-11-27T04:00:01.000Z',
        messages: [{ role: 'user', content: 'Hi' }],
        events: [{ kind: 'token', text: 'Hello.', offsetMs: 100 }],
        outcome: 'done',
        text: 'Hello.',
        reasoningText: '',
        finishReason: 'stop',
        endOffsetMs: 125,
        metrics,
      },
    ],
  });
}

const durations = {
  ttftMs: 100,
  tokens: 2,
  reasoningTokens: 0,
  tokenCountSource: 'usage',
  tokensPerSecond: 50,
  genMs: 20,
  totalMs: 125,
};

describe('recording metrics: point names', () => {
  it('reads the names older recordings stored as the …AtMs points, values unchanged', () => {
    const old = {
      requestMs: 1000,
      firstTokenMs: 1100,
      firstAnswerTokenMs: 1105,
      lastTokenMs: 1120,
      ...durations,
    };
    const metrics = parseRecording(fileText(old), 'old.json').turns[0]!.metrics;
    expect(metrics).toEqual({
      requestAtMs: 1000,
      firstTokenAtMs: 1100,
      firstAnswerTokenAtMs: 1105,
      lastTokenAtMs: 1120,
      ...durations,
    });
  });

  it('reads the current names as they are, and a null first token stays null', () => {
    const now = {
      requestAtMs: 7,
      firstTokenAtMs: null,
      firstAnswerTokenAtMs: null,
      lastTokenAtMs: null,
      ...durations,
    };
    expect(parseRecording(fileText(now), 'new.json').turns[0]!.metrics).toEqual(now);
  });
});
