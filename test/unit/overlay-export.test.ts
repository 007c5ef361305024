/**
 * The transcript exports carry each turn's words: the CSV stays one row per turn when a reply holds
 * a comma, a `"` and a newline (an unescaped quote or newline would split or shift the row), the
 * reply is what was heard after an interruption, a bot's line answers the other bot's line before
 * it, a key typed into the chat is masked, and the timing columns keep their places.
 */
import { describe, expect, it } from 'vitest';
import type { ChatEntry } from '../../src/shared/protocol';
import type { TurnTimeline } from '../../src/shared/metrics';
import { timelinesCsv, timelinesJson, turnTexts } from '../../src/renderer/src/overlay/export';
import type { HistoryEntry } from '../../src/renderer/src/overlay/overlay-store';
import { parseCsv } from '../helpers/csv';

const timeline = (gapMs: number, interrupted = false): TurnTimeline =>
  ({ gapMs, interrupted, tokens: 12, speechMs: 900 }) as unknown as TurnTimeline;

const entry = (laneId: string, turnId: string, gapMs: number, interrupted = false): HistoryEntry => ({
  laneId,
  turnId,
  label: laneId,
  spec: 'sim:tps=300',
  provider: 'sim',
  timeline: timeline(gapMs, interrupted),
});

const tricky = 'She said "no", then:\nfine, "really" fine.';

const lanes: Record<string, { history: ChatEntry[] }> = {
  a: {
    history: [
      { role: 'user', text: 'Hello, how are you?', turnId: 'a-1' },
      { role: 'assistant', text: tricky, turnId: 'a-1' },
      { role: 'user', text: 'my key=sk-live-123456 is set', turnId: 'a-2' },
      // Interrupted: the history keeps only the words heard.
      { role: 'assistant', text: 'Good, let me', turnId: 'a-2', interrupted: true },
    ],
  },
  b: {
    history: [
      { role: 'user', text: 'Well, Ben, I should go.', turnId: 'b-1', speaker: 'Ada' },
      { role: 'assistant', text: 'Oh, it really was!', turnId: 'b-2', speaker: 'Ben' },
    ],
  },
};

const turns = [
  entry('a', 'a-1', 412.5),
  entry('a', 'a-2', 300, true),
  entry('b', 'b-1', 0),
  entry('b', 'b-2', 80),
];

describe('transcript exports', () => {
  it('CSV: one row per turn with the words, quotes and newlines escaped', () => {
    const csv = timelinesCsv(turns, turnTexts(lanes));
    const rows = parseCsv(csv);
    const header = rows[0]!;
    expect(rows).toHaveLength(1 + turns.length);
    for (const row of rows) expect(row).toHaveLength(header.length);
    const col = (row: number, name: string): string => rows[row]![header.indexOf(name)]!;
    // The timing columns keep their places; the words come last.
    expect(header.slice(0, 3)).toEqual(['lane', 'label', 'spec']);
    expect(header.slice(-3)).toEqual(['speaker', 'user_text', 'reply_text']);
    expect(col(1, 'gap_ms')).toBe('412.5');
    expect(col(1, 'user_text')).toBe('Hello, how are you?');
    expect(col(1, 'reply_text')).toBe(tricky);
    expect(col(2, 'reply_text')).toBe('Good, let me');
    expect(col(2, 'interrupted')).toBe('true');
    expect(col(2, 'user_text')).toBe('my key=*** is set');
    expect(csv).not.toContain('sk-live');
    // A bot's line answers the other bot's line before it; the opening answers nothing.
    expect([col(3, 'speaker'), col(3, 'user_text'), col(3, 'reply_text')]).toEqual([
      'Ada',
      '',
      'Well, Ben, I should go.',
    ]);
    expect([col(4, 'speaker'), col(4, 'user_text'), col(4, 'reply_text')]).toEqual([
      'Ben',
      'Well, Ben, I should go.',
      'Oh, it really was!',
    ]);
  });

  it('CSV: a turn whose words are no longer held exports empty text, not a shifted row', () => {
    const rows = parseCsv(timelinesCsv([entry('c', 'c-9', 100)], turnTexts(lanes)));
    expect(rows[1]).toHaveLength(rows[0]!.length);
    expect(rows[1]!.slice(-3)).toEqual(['', '', '']);
  });

  it('JSON: each turn has its words beside its timeline', () => {
    const data = JSON.parse(timelinesJson(turns, turnTexts(lanes))) as {
      turns: { turnId: string; userText: string | null; replyText: string | null; speaker: string | null }[];
    };
    expect(data.turns.map((t) => t.turnId)).toEqual(['a-1', 'a-2', 'b-1', 'b-2']);
    expect(data.turns[0]).toMatchObject({
      userText: 'Hello, how are you?',
      replyText: tricky,
      speaker: null,
    });
    expect(data.turns[1]).toMatchObject({ userText: 'my key=*** is set', replyText: 'Good, let me' });
    expect(data.turns[3]).toMatchObject({ speaker: 'Ben', userText: 'Well, Ben, I should go.' });
  });
});
