/**
 * Exports of a session: timelines as JSON and CSV (one row per turn, one column per segment, for a
 * spreadsheet), and the overlay as a PNG. Files are downloaded through a Blob and a temporary link.
 */
import type { HistoryEntry } from './overlay-store';

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
] as const;

function cell(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(Math.round(value * 100) / 100);
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row per turn; empty cells where a stage did not run. */
export function timelinesCsv(entries: readonly HistoryEntry[]): string {
  const index = new Map<string, number>();
  const rows = entries.map((e) => {
    const n = (index.get(e.laneId) ?? 0) + 1;
    index.set(e.laneId, n);
    const t = e.timeline;
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
    ];
    return values.map(cell).join(',');
  });
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}

export function timelinesJson(entries: readonly HistoryEntry[]): string {
  return JSON.stringify(
    {
      app: 'dialtone',
      kind: 'timelines',
      units: 'ms (engine clock)',
      turns: entries.map((e) => ({ ...e, replay: e.provider === 'replay' })),
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
