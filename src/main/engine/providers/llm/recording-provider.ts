/**
 * RecordingProvider: wraps any LlmProvider, passes every event through untouched and, when a turn
 * ends (finished, cancelled or failed), writes it to the recording. The lane never knows: recording
 * is switched on by `record=FILE` in the lane spec.
 *
 * It lives with the LLM providers it wraps. The arrow runs one way: providers/llm imports the
 * recording file format, reader and writer (engine/recording/); engine/recording/ imports nothing
 * from the providers.
 */
import type { Clock } from '../../clock';
import type { RecordedEvent, RecordedTurn } from '../../recording/format';
import type { RunRecorder } from '../../recording/writer';
import { errorMessage } from '../../errors';
import { LlmError } from './errors';
import type { LlmEvent, LlmProvider, LlmResult, LlmStreamRequest } from './types';

export class RecordingProvider implements LlmProvider {
  readonly id: string;
  readonly model: string;
  readonly label: string;

  constructor(
    private readonly inner: LlmProvider,
    readonly recorder: RunRecorder,
    private readonly clock: Clock,
  ) {
    this.id = inner.id;
    this.model = inner.model;
    this.label = inner.label;
  }

  async stream(request: LlmStreamRequest): Promise<LlmResult> {
    const index = this.recorder.nextIndex();
    const startedAt = new Date().toISOString();
    const sentMs = this.clock.now();
    const events: LlmEvent[] = [];
    const base = {
      index,
      startedAt,
      messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
      ...(request.simReply !== undefined ? { simReply: request.simReply } : {}),
    };
    let result: LlmResult;
    try {
      result = await this.inner.stream({
        ...request,
        onEvent: (event) => {
          events.push(event);
          request.onEvent(event);
        },
      });
    } catch (err) {
      const endMs = this.clock.now();
      const error =
        err instanceof LlmError
          ? { code: err.code, message: err.message, retryable: err.retryable }
          : { code: 'failed', message: errorMessage(err), retryable: false };
      this.add({
        ...base,
        events: offsets(events, sentMs),
        outcome: 'error',
        text: joined(events, 'token'),
        reasoningText: joined(events, 'reasoning'),
        finishReason: null,
        endOffsetMs: Math.max(0, endMs - sentMs),
        metrics: null,
        error,
      });
      throw err;
    }
    // The provider's own request time is the reference: offsets then give exactly its TTFT and rate.
    const requestAtMs = result.metrics.requestAtMs;
    this.add({
      ...base,
      events: offsets(events, requestAtMs),
      outcome: result.aborted ? 'aborted' : 'done',
      text: result.text,
      reasoningText: result.reasoningText,
      finishReason: result.finishReason,
      endOffsetMs: Math.max(0, result.metrics.totalMs),
      metrics: result.metrics,
    });
    return result;
  }

  /** A recording that cannot be written fails the turn: the presenter is counting on that file. */
  private add(turn: RecordedTurn): void {
    try {
      this.recorder.addTurn(turn);
    } catch (err) {
      throw new LlmError('bad_request', errorMessage(err), { cause: err });
    }
  }
}

function offsets(events: LlmEvent[], fromMs: number): RecordedEvent[] {
  // Rounded to the microsecond: the clock's noise floor, and the file stays readable.
  return events.map((e) => ({
    kind: e.kind,
    text: e.text,
    offsetMs: Math.max(0, Math.round((e.atMs - fromMs) * 1000) / 1000),
  }));
}

function joined(events: LlmEvent[], kind: LlmEvent['kind']): string {
  return events
    .filter((e) => e.kind === kind)
    .map((e) => e.text)
    .join('');
}
