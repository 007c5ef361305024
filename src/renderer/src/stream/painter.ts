/**
 * One requestAnimationFrame loop paints everything that streams: new answer and reasoning text
 * goes into the DOM as one Text node per frame, inside block segments so earlier text keeps its
 * layout, and the live figures are rewritten when their strings change. React never re-renders for
 * a token.
 *
 * The loop runs while a turn is in flight or text is waiting to be painted, then stops.
 */
import type { ClockSync } from '../clock-sync';
import { figureValues, summaryLine, type FigureValues } from './figures';
import type { LiveTurns } from './live-turns';
import type { PaintStats } from './paint-stats';

export type TextKind = 'answer' | 'reasoning';

interface TextTarget {
  el: HTMLElement;
  laneId: string;
  turnId: string;
  kind: TextKind;
  /** Chunks of the stream already in the DOM. */
  painted: number;
  /** The stream's `resets` when last painted. */
  resets: number;
  /** The block text is appended to (see appendSegmented), and its length. */
  block: HTMLElement | null;
  blockChars: number;
}

/** Elements that show a lane's figures; the painter owns their text. */
export interface FigureTargets {
  label: HTMLElement;
  ttft: HTMLElement;
  tokens: HTMLElement;
  reasoning: HTMLElement;
  tps: HTMLElement;
  elapsed: HTMLElement;
  previous: HTMLElement;
}

interface FigureBinding {
  targets: FigureTargets;
  shown: Partial<Record<keyof FigureTargets, string>>;
  pending: boolean | null;
}

/** A block that reached this many characters ends at its next newline. */
const BLOCK_AT_NEWLINE_CHARS = 400;
/** A block without newlines that reached this many characters ends after its next sentence. */
const BLOCK_AT_SENTENCE_CHARS = 2_000;
const SENTENCE_END = /[.!?]["')\]]?\s/g;

/**
 * Appends streamed text as Text nodes inside block segments. One long inline run would make every
 * frame re-lay out the whole reply (tens of ms at 100 KB); with blocks, only the last one changes.
 * Segments end after a newline (which they keep, so the text and its rendering are unchanged) once
 * they are long enough, or after a sentence when a long paragraph has no newline at all.
 */
function appendSegmented(target: TextTarget, text: string): void {
  let i = 0;
  while (i < text.length) {
    let end = text.length;
    let closes = false;
    if (target.blockChars + (end - i) >= BLOCK_AT_NEWLINE_CHARS) {
      const newline = text.indexOf('\n', i + Math.max(0, BLOCK_AT_NEWLINE_CHARS - target.blockChars - 1));
      if (newline >= 0) {
        end = newline + 1;
        closes = true;
      }
    }
    if (target.blockChars + (end - i) >= BLOCK_AT_SENTENCE_CHARS) {
      SENTENCE_END.lastIndex = i + Math.max(0, BLOCK_AT_SENTENCE_CHARS - target.blockChars - 1);
      const sentence = SENTENCE_END.exec(text);
      if (sentence && sentence.index + sentence[0].length <= end) {
        end = sentence.index + sentence[0].length;
        closes = true;
      }
    }
    if (target.block === null) {
      target.block = document.createElement('span');
      target.block.className = 'seg';
      target.blockChars = 0;
      target.el.appendChild(target.block);
    }
    target.block.appendChild(document.createTextNode(text.slice(i, end)));
    target.blockChars += end - i;
    if (closes) target.block = null;
    i = end;
  }
}

/** A conversation scrolled to within this of its end follows new text, px. */
const FOLLOW_SLACK_PX = 48;

/**
 * Whether a scroller follows new content: it does until the user scrolls away from the end. Kept in
 * `data-follow` by its scroll events, so the painter needs no layout read to know.
 */
export function isFollowing(scroller: HTMLElement): boolean {
  return scroller.dataset.follow !== 'false';
}

/** For a scroll event: follow again once the user is back at the end. */
export function updateFollowing(scroller: HTMLElement): void {
  const atEnd = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < FOLLOW_SLACK_PX;
  scroller.dataset.follow = String(atEnd);
}

export function scrollToEnd(scroller: HTMLElement): void {
  scroller.scrollTop = scroller.scrollHeight;
}

export class Painter {
  private readonly texts = new Set<TextTarget>();
  private readonly figures = new Map<string, Set<FigureBinding>>();
  private raf: number | null = null;
  private lastFrameMs: number | null = null;
  private readonly afterPaint = new MessageChannel();

  constructor(
    private readonly live: LiveTurns,
    private readonly clock: () => ClockSync | null,
    private readonly stats: PaintStats,
  ) {
    // Runs as a task after the frame's rendering: the text is on screen by then.
    this.afterPaint.port1.onmessage = (ev: MessageEvent<number>) => {
      const sync = this.clock();
      if (sync === null || !Number.isFinite(sync.boundMs)) return;
      this.stats.addLatency(performance.now() + sync.offsetMs - ev.data);
    };
  }

  /** Something changed in the live turns: paint on the next frame. */
  wake = (): void => {
    this.raf ??= requestAnimationFrame(this.frame);
  };

  /** Streams a turn's text into `el` (which React leaves empty); returns the detach function. */
  attachText(el: HTMLElement, laneId: string, turnId: string, kind: TextKind): () => void {
    const target: TextTarget = {
      el,
      laneId,
      turnId,
      kind,
      painted: 0,
      resets: -1,
      block: null,
      blockChars: 0,
    };
    this.texts.add(target);
    this.paintText(target);
    return () => {
      this.texts.delete(target);
    };
  }

  attachFigures(laneId: string, targets: FigureTargets): () => void {
    const binding: FigureBinding = { targets, shown: {}, pending: null };
    let set = this.figures.get(laneId);
    if (!set) this.figures.set(laneId, (set = new Set()));
    set.add(binding);
    this.paintFigures(laneId, binding, this.engineNow());
    return () => {
      set.delete(binding);
      if (set.size === 0) this.figures.delete(laneId);
    };
  }

  private engineNow(): number | null {
    const sync = this.clock();
    return sync === null ? null : performance.now() + sync.offsetMs;
  }

  private frame = (frameMs: number): void => {
    this.raf = null;
    const running = this.live.anyRunning();
    if (this.lastFrameMs !== null && running) this.stats.addFrameInterval(frameMs - this.lastFrameMs);

    // Figures first: their writes and the text's then share the one layout the scroll forces.
    const nowMs = this.engineNow();
    for (const [laneId, bindings] of this.figures) {
      for (const binding of bindings) this.paintFigures(laneId, binding, nowMs);
    }

    const work: TextTarget[] = [];
    const follow = new Set<HTMLElement>();
    for (const target of this.texts) {
      if (!this.hasWork(target)) continue;
      work.push(target);
      const scroller = target.el.closest<HTMLElement>('[data-autoscroll]');
      if (scroller && isFollowing(scroller)) follow.add(scroller);
    }
    let newestAnswerMs = -Infinity;
    for (const target of work) newestAnswerMs = Math.max(newestAnswerMs, this.paintText(target));
    for (const scroller of follow) scrollToEnd(scroller);

    if (Number.isFinite(newestAnswerMs)) this.afterPaint.port2.postMessage(newestAnswerMs);

    if (running) {
      this.lastFrameMs = frameMs;
      this.wake();
    } else {
      this.lastFrameMs = null;
    }
  };

  private hasWork(target: TextTarget): boolean {
    const turn = this.live.find(target.laneId, target.turnId);
    if (!turn) return false;
    const stream = turn[target.kind];
    return stream.resets !== target.resets || target.painted < stream.chunks.length;
  }

  /** Paints what is new; returns the engine time of the newest answer token painted (or -Infinity). */
  private paintText(target: TextTarget): number {
    const turn = this.live.find(target.laneId, target.turnId);
    if (!turn) return -Infinity;
    const stream = turn[target.kind];
    const total = stream.chunks.length;
    if (stream.resets !== target.resets) {
      // First paint of this element, or the text was replaced: write it whole (no latency sample).
      target.el.textContent = '';
      target.block = null;
      appendSegmented(target, stream.text());
      target.painted = total;
      target.resets = stream.resets;
      return -Infinity;
    }
    if (target.painted >= total) return -Infinity;
    const text =
      target.painted === total - 1 ? stream.chunks[total - 1]! : stream.chunks.slice(target.painted).join('');
    appendSegmented(target, text);
    target.painted = total;
    return target.kind === 'answer' ? (stream.lastAtMs[total - 1] ?? -Infinity) : -Infinity;
  }

  private paintFigures(laneId: string, binding: FigureBinding, nowMs: number | null): void {
    const values: FigureValues = figureValues(this.live.current(laneId), nowMs);
    const { targets, shown } = binding;
    const write = (key: keyof FigureTargets, text: string): void => {
      if (shown[key] === text) return;
      shown[key] = text;
      targets[key].textContent = text;
    };
    write('label', values.label);
    write('ttft', values.ttft);
    write('tokens', values.tokens);
    write('reasoning', values.reasoning);
    write('tps', values.tps);
    write('elapsed', values.elapsed);
    write('previous', summaryLine(this.live.previous(laneId)));
    if (binding.pending !== values.ttftPending) {
      binding.pending = values.ttftPending;
      targets.ttft.classList.toggle('pending', values.ttftPending);
    }
  }
}
