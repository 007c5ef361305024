/**
 * Exports of a session: timelines as JSON and CSV (one row per turn, one column per segment, for a
 * spreadsheet), with each turn's words (what was said to the lane and the reply as heard), and the
 * overlay as a PNG. Files are downloaded through a Blob and a temporary link.
 */
import type { ChatEntry } from '../../../shared/protocol';
import { redact } from '../../../shared/redact';
import type { HistoryEntry } from './overlay-store';

/** A turn's words, from the lane's conversation. */
export interface TurnText {
  /** Bot-to-bot runs: the persona who spoke the line. */
  speaker: string | null;
  /** What the user said or typed, or the other bot's line before this one; null: not known. */
  userText: string | null;
  /** The reply as the listener heard it (after an interruption, only the words heard). */
  replyText: string | null;
}

const CSV_COLUMNS = [
  'lane',
  'label',
  'spec',
  'provider',
  'replay',
  'turn_id',
  'turn',
  'endpoint_ms',
  'stt_ms',
  'ttft_ms',
  'first_chunk_ms',
  'tts_ms',
  'playout_ms',
  'gap_ms',
  'speech_ms',
  'tokens',
  'reasoning_tokens',
  'first_chunk_tokens',
  'tokens_per_second',
  'gen_ms',
  'interrupted',
  // Oldest messages the context window left out of the turn's request (empty: not reported).
  'context_dropped',
  // The words, last: a spreadsheet reads the figures first, and a long reply does not push them away.
  'speaker',
  'user_text',
  'reply_text',
] as const;

/**
 * Each turn's words by turn id, from the lanes' conversations as the app holds them (the last
 * HELLO_HISTORY_ENTRIES entries per lane: older turns export with empty text). Text passes through
 * the redaction path: a user may have typed or said a key.
 */
export function turnTexts(
  lanes: Readonly<Record<string, { history: readonly ChatEntry[] } | undefined>>,
): Map<string, TurnText> {
  const texts = new Map<string, TurnText>();
  for (const lane of Object.values(lanes)) {
    let previousLine: string | null = null;
    for (const entry of lane?.history ?? []) {
      if (entry.turnId === undefined) continue;
      const text = redact(entry.text);
      const t = texts.get(entry.turnId) ?? { speaker: null, userText: null, replyText: null };
      if (entry.speaker !== undefined) {
        // A bot's line is the turn's reply; what it answered is the other bot's line before it.
        t.speaker = entry.speaker;
        t.userText = previousLine;
        t.replyText = text;
        previousLine = text;
      } else if (entry.role === 'user') {
        t.userText = text;
        previousLine = null;
      } else {
        t.replyText = text;
        previousLine = null;
      }
      texts.set(entry.turnId, t);
    }
  }
  return texts;
}

function cell(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(Math.round(value * 100) / 100);
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row per turn; empty cells where a stage did not run or the words are not known. */
export function timelinesCsv(
  entries: readonly HistoryEntry[],
  texts: ReadonlyMap<string, TurnText> = new Map(),
): string {
  const index = new Map<string, number>();
  const rows = entries.map((e) => {
    const n = (index.get(e.laneId) ?? 0) + 1;
    index.set(e.laneId, n);
    const t = e.timeline;
    const words = texts.get(e.turnId);
    const values: (string | number | boolean | null)[] = [
      e.laneId,
      e.label,
      e.spec,
      e.provider,
      e.provider === 'replay' ? 'replay' : '',
      e.turnId,
      n,
      t.endpointMs,
      t.sttMs,
      t.ttftMs,
      t.firstChunkMs,
      t.ttsMs,
      t.playoutMs,
      t.gapMs,
      t.speechMs,
      t.tokens,
      t.reasoningTokens,
      t.firstChunkTokens,
      t.tokensPerSecond,
      t.genMs,
      t.interrupted,
      t.context?.droppedEntries ?? null,
      words?.speaker ?? null,
      words?.userText ?? null,
      words?.replyText ?? null,
    ];
    return values.map(cell).join(',');
  });
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}

export function timelinesJson(
  entries: readonly HistoryEntry[],
  texts: ReadonlyMap<string, TurnText> = new Map(),
): string {
  return JSON.stringify(
    {
      app: 'dialtone',
      kind: 'timelines',
      units: 'ms (engine clock)',
      turns: entries.map((e) => {
        const words = texts.get(e.turnId);
        return {
          ...e,
          replay: e.provider === 'replay',
          speaker: words?.speaker ?? null,
          userText: words?.userText ?? null,
          replyText: words?.replyText ?? null,
        };
      }),
    },
    null,
    2,
  );
}

export function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Give the browser time to start the download before the URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** dialtone-2026-11-27T05-10-00 */
export function stamp(): string {
  return `dialtone-${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}`;
}
