/**
 * Two stand-ins for bot-to-bot runs. `GivenLine` is the "backend" of a scenario's opening line: the
 * line is given, not generated, so it streams at once and every lane starts alike. `SilentTts` is the
 * voice of a text race (`--no-speech`): every chunk becomes one sample of silence at once, so the
 * chunker and the timeline run as with speech, but speech takes no time.
 */
import type { LlmTurnMetrics } from '../../../shared/metrics';
import type { Clock } from '../clock';
import type { LlmProvider, LlmResult, LlmStreamRequest } from '../providers/llm/types';
import type { TtsPort } from '../voice/ports';

export class GivenLine implements LlmProvider {
  readonly id = 'given';
  readonly model = 'scenario';
  readonly label = 'the scenario (given line)';

  constructor(
    private readonly text: string,
    private readonly clock: Clock,
  ) {}

  async stream(request: LlmStreamRequest): Promise<LlmResult> {
    const atMs = this.clock.now();
    const pieces = this.text.match(/\S+\s*/g) ?? [];
    for (const piece of pieces) request.onEvent({ kind: 'token', text: piece, atMs });
    const metrics: LlmTurnMetrics = {
      requestAtMs: atMs,
      firstTokenAtMs: pieces.length ? atMs : null,
      firstAnswerTokenAtMs: pieces.length ? atMs : null,
      lastTokenAtMs: pieces.length ? atMs : null,
      // Nothing waited for a first token: the line was written, not generated.
      ttftMs: null,
      tokens: pieces.length,
      reasoningTokens: 0,
      tokenCountSource: 'chunks',
      tokensPerSecond: null,
      genMs: 0,
      totalMs: 0,
      scripted: true,
    };
    return { text: this.text, reasoningText: '', aborted: false, finishReason: 'stop', metrics };
  }
}

export const SILENT_SAMPLE_RATE = 16_000;

export const silentTts: TtsPort = {
  label: 'no speech (text race)',
  synthesize: async (_text, signal, onAudio) => {
    if (!signal.aborted) onAudio(new Int16Array(1), SILENT_SAMPLE_RATE);
  },
};
