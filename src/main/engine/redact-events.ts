/**
 * The engine's events pass through the one redaction path (shared/redact.ts) before any client sees
 * them: error messages, lane snapshots, labels, scenario results. The many-a-second streams (tokens,
 * meters) carry the conversation and numbers, never configuration, and go out untouched so the
 * token path pays nothing.
 */
import { redactDeep } from '../../shared/redact';
import type { EngineEvent } from '../../shared/protocol';

const UNTOUCHED: ReadonlySet<EngineEvent['type']> = new Set<EngineEvent['type']>([
  'llm.token',
  'llm.reasoning',
  'mic.level',
  'vad.start',
  'vad.end',
  'pong',
]);

/** The event with every secret masked; the same object when there was nothing to mask. */
export function redactEvent(event: EngineEvent): EngineEvent {
  return UNTOUCHED.has(event.type) ? event : redactDeep(event);
}
