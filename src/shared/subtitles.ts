/**
 * Subtitle files for a rendered race: WebVTT and SubRip, one cue per spoken line. Times are ms from
 * the recording's start. Text is one line (a newline would end a cue early in both formats); WebVTT
 * needs `&`, `<` and `>` escaped (so a `-->` in a line cannot be read as a timing), SubRip has no
 * escapes, so its `-->` becomes an arrow.
 */

export interface Cue {
  startMs: number;
  endMs: number;
  text: string;
}

function clock(ms: number, fractionSeparator: '.' | ','): string {
  const total = Math.max(0, Math.round(ms));
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor(total / 60_000) % 60;
  const s = Math.floor(total / 1000) % 60;
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}${fractionSeparator}${pad(total % 1000, 3)}`;
}

/** 62345 → "00:01:02.345" */
export const vttTime = (ms: number): string => clock(ms, '.');
/** 62345 → "00:01:02,345" */
export const srtTime = (ms: number): string => clock(ms, ',');

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

function ordered(cues: readonly Cue[]): Cue[] {
  return [...cues].sort((a, b) => a.startMs - b.startMs);
}

export function formatVtt(cues: readonly Cue[]): string {
  const body = ordered(cues).map((cue) => {
    const text = oneLine(cue.text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    return `${vttTime(cue.startMs)} --> ${vttTime(Math.max(cue.endMs, cue.startMs))}\n${text}\n`;
  });
  return ['WEBVTT\n', ...body].join('\n');
}

export function formatSrt(cues: readonly Cue[]): string {
  return ordered(cues)
    .map((cue, i) => {
      const text = oneLine(cue.text).replace(/-->/g, '→');
      return `${i + 1}\n${srtTime(cue.startMs)} --> ${srtTime(Math.max(cue.endMs, cue.startMs))}\n${text}\n`;
    })
    .join('\n');
}
