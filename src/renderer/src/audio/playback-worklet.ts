/**
 * The speech side of the audio thread, one processor per lane: a growable ring buffer of samples at
 * the context's rate, with turn boundaries, so it can say exactly in which context frame a turn's
 * first sample went out and when its last one did. A flush (interrupt) silences the output within
 * the next render quantum, with a 2 ms fade so the cut does not click.
 */
import { PLAYBACK_PROCESSOR, type PlaybackControl, type PlaybackReport } from './playback-protocol';
import { RENDER_QUANTUM, scope } from './worklet-scope';

interface Segment {
  turn: number;
  /** Absolute ring positions: first sample, and one past the last (null while audio may still come). */
  start: number;
  end: number | null;
  started: boolean;
  /** One past the last audible sample received so far (absolute); null: none yet. */
  audibleEnd: number | null;
  /** Context frame in which the last audible sample so far went out; null: not yet. */
  audibleEndFrame: number | null;
}

/**
 * Quieter than this is digital silence (−54 dBFS, as the engine's virtual speaker counts it). A
 * voice pads each line with silence (espeak: up to ~340 ms); for the listener the line ends at its
 * last audible sample, so `ended` is dated there and the padding belongs to the next gap.
 */
const AUDIBLE_LEVEL = 64 / 32768;

/** Fade applied to a flush, frames (≈ 1.5–2 ms; well inside one quantum). */
const FLUSH_FADE_FRAMES = 96;

class PlaybackProcessor extends scope.AudioWorkletProcessor {
  private ring = new Float32Array(scope.sampleRate * 10);
  /** Absolute sample counts: everything below `read` has been output, below `write` received. */
  private read = 0;
  private write = 0;
  private readonly segments: Segment[] = [];
  private flushPending = false;
  private starving = false;
  private underruns = 0;

  constructor(options?: AudioWorkletNodeOptions) {
    super(options);
    this.port.onmessage = (ev: MessageEvent<PlaybackControl>) => this.control(ev.data);
  }

  private control(msg: PlaybackControl): void {
    switch (msg.type) {
      case 'push': {
        let seg = this.segments.at(-1);
        if (seg === undefined || seg.turn !== msg.turn || seg.end !== null) {
          // A new turn closes an open one before it (its end message never came).
          if (seg !== undefined && seg.end === null) seg.end = this.write;
          seg = {
            turn: msg.turn,
            start: this.write,
            end: null,
            started: false,
            audibleEnd: null,
            audibleEndFrame: null,
          };
          this.segments.push(seg);
        }
        const audible = lastAudible(msg.samples);
        if (audible > 0) seg.audibleEnd = this.write + audible;
        this.append(msg.samples);
        return;
      }
      case 'end': {
        const seg = this.segments.find((s) => s.turn === msg.turn && s.end === null);
        if (seg) seg.end = this.write;
        return;
      }
      case 'flush':
        this.flushPending = true;
        return;
    }
  }

  private append(samples: Float32Array): void {
    const needed = this.write - this.read + samples.length;
    if (needed > this.ring.length) {
      // Rare (a reply synthesised far faster than it plays): grow, keeping unread samples in place.
      let size = this.ring.length * 2;
      while (size < needed) size *= 2;
      const grown = new Float32Array(size);
      for (let i = this.read; i < this.write; i++) grown[i % size] = this.ring[i % this.ring.length]!;
      this.ring = grown;
    }
    const cap = this.ring.length;
    for (let i = 0; i < samples.length; i++) this.ring[(this.write + i) % cap] = samples[i]!;
    this.write += samples.length;
  }

  private report(msg: PlaybackReport): void {
    this.port.postMessage(msg);
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const out = outputs[0]?.[0];
    const frames = out?.length ?? RENDER_QUANTUM;
    const cap = this.ring.length;
    const base = scope.currentFrame;
    if (this.flushPending) {
      this.flushPending = false;
      const fade = Math.min(FLUSH_FADE_FRAMES, frames, this.write - this.read);
      for (let i = 0; i < frames; i++) {
        if (out) out[i] = i < fade ? this.ring[(this.read + i) % cap]! * (1 - (i + 1) / (fade + 1)) : 0;
      }
      const stopAt = this.read + fade;
      for (const seg of this.segments) {
        if (!seg.started && fade === 0) continue;
        const played = Math.max(0, Math.min(stopAt, seg.end ?? stopAt) - seg.start);
        if (!seg.started && played === 0) continue;
        this.report({
          type: 'ended',
          turn: seg.turn,
          playedFrames: played,
          contextFrame: base + fade,
          interrupted: true,
        });
      }
      this.segments.length = 0;
      this.read = this.write;
      this.starving = false;
      return true;
    }
    for (let i = 0; i < frames; i++) {
      let seg = this.segments[0];
      while (seg !== undefined && seg.end !== null && this.read >= seg.end) {
        if (seg.started || seg.end > seg.start) {
          const played = seg.end - seg.start;
          this.report({
            type: 'ended',
            turn: seg.turn,
            playedFrames: played,
            contextFrame: seg.audibleEndFrame ?? base + i,
            interrupted: false,
          });
        }
        this.segments.shift();
        seg = this.segments[0];
      }
      if (this.read < this.write) {
        if (seg !== undefined && !seg.started && this.read >= seg.start) {
          seg.started = true;
          this.report({ type: 'started', turn: seg.turn, contextFrame: base + i });
        }
        if (out) out[i] = this.ring[this.read % cap]!;
        this.read += 1;
        if (seg !== undefined && seg.audibleEnd === this.read) seg.audibleEndFrame = base + i + 1;
        this.starving = false;
      } else {
        if (out) out[i] = 0;
        // Dry in the middle of a turn that has more to come: an underrun the listener hears.
        if (seg !== undefined && seg.started && seg.end === null && !this.starving) {
          this.starving = true;
          this.underruns += 1;
          this.report({ type: 'underrun', total: this.underruns });
        }
      }
    }
    return true;
  }
}

/** How many samples from the start reach past the last audible one (0: all silent). */
function lastAudible(samples: Float32Array): number {
  for (let i = samples.length - 1; i >= 0; i--) if (Math.abs(samples[i]!) > AUDIBLE_LEVEL) return i + 1;
  return 0;
}

scope.registerProcessor(PLAYBACK_PROCESSOR, PlaybackProcessor);
