/**
 * Subtitle formatting for rendered races. Bugs caught: WebVTT and SubRip sharing one time format
 * (SubRip needs a comma before the ms, WebVTT a dot), hours dropped past 59 minutes, a `-->` or a
 * newline inside a spoken line splitting the cue, `<` read as a WebVTT tag, cues out of order.
 */
import { describe, expect, it } from 'vitest';
import { formatSrt, formatVtt, srtTime, vttTime } from '../../src/shared/subtitles';
import { raceCues } from '../../src/main/video/cues';

describe('subtitles', () => {
  it('writes times as 00:01:02.345 (WebVTT) and 00:01:02,345 (SubRip), hours included', () => {
    expect(vttTime(62_345)).toBe('00:01:02.345');
    expect(srtTime(62_345)).toBe('00:01:02,345');
    expect(vttTime(3_723_004)).toBe('01:02:03.004');
    expect(srtTime(-5)).toBe('00:00:00,000');
  });

  it('keeps each cue on one line and escapes what would end or break it', () => {
    const cues = [
      { startMs: 2_000, endMs: 3_000, text: 'Ben (slow): b --> c\nd' },
      { startMs: 1_000, endMs: 1_500, text: 'Ada (fast): <hi> & bye' },
    ];
    expect(formatVtt(cues)).toBe(
      'WEBVTT\n\n00:00:01.000 --> 00:00:01.500\nAda (fast): &lt;hi&gt; &amp; bye\n\n' +
        '00:00:02.000 --> 00:00:03.000\nBen (slow): b --&gt; c d\n',
    );
    expect(formatSrt(cues)).toBe(
      '1\n00:00:01,000 --> 00:00:01,500\nAda (fast): <hi> & bye\n\n' +
        '2\n00:00:02,000 --> 00:00:03,000\nBen (slow): b → c d\n',
    );
  });

  it('times cues from when a line became audible, not from when its text was generated', () => {
    const timeline = {
      at: { audibleAtMs: 5_400, playbackEndAtMs: 7_000, firstTokenAtMs: 4_100 },
      speechMs: 1_600,
    };
    const cues = raceCues(
      [
        {
          type: 'scenario.progress',
          laneId: 'race-1',
          index: 0,
          speaker: 'Ada',
          text: 'Hello.',
          opening: true,
          gapMs: null,
          timeline: timeline as never,
        },
      ],
      new Map([['race-1', 'fast']]),
      5_000,
    );
    expect(cues).toEqual([{ startMs: 400, endMs: 2_000, text: 'Ada (fast): Hello.' }]);
  });
});
