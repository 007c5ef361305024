/** Messages between the playback worklet and the page. */

export const PLAYBACK_PROCESSOR = 'dialtone-playback';

/** Page → worklet. */
export type PlaybackControl =
  /** Speech for `turn`, already at the context's rate. */
  | { type: 'push'; turn: number; samples: Float32Array }
  /** Every sample of `turn` has been pushed: report `ended` once it has played. */
  | { type: 'end'; turn: number }
  /** Interrupt: silence within this render quantum and drop everything queued. */
  | { type: 'flush' };

/** Worklet → page. */
export type PlaybackReport =
  /** The turn's first sample went out in context frame `contextFrame`. */
  | { type: 'started'; turn: number; contextFrame: number }
  /**
   * The turn stopped: all played, or flushed after `playedFrames`. `contextFrame`: where its last
   * audible sample left (all played; trailing digital silence is not speech) or the cut (flushed).
   */
  | { type: 'ended'; turn: number; playedFrames: number; contextFrame: number; interrupted: boolean }
  /** The buffer ran dry mid-turn (`total` times since the player started). */
  | { type: 'underrun'; total: number };
