/**
 * Audio meters painted once per animation frame: each meter reads its level from a function (an
 * analyser, the capture's latest frame) and sets a CSS transform on its bar — no React render per
 * audio frame. The loop runs only while a meter is attached.
 */

export interface MeterBinding {
  bar: HTMLElement;
  /** Current level, 0–1 linear RMS. */
  read(): number;
  /** Optional text (e.g. an underrun count) refreshed on the same frame when it changes. */
  text?: { el: HTMLElement; read(): string };
}

interface Live extends MeterBinding {
  shown: number;
  shownText: string | null;
}

/** Meter floor: −60 dBFS shows as empty. */
const FLOOR_DB = -60;
/** Fall-back per frame, as a fraction of the scale (peak-hold feel without a second bar). */
const FALL_PER_FRAME = 0.04;

/** Linear RMS → 0–1 on a dB scale. */
export function meterFraction(rms: number): number {
  if (rms <= 0) return 0;
  const db = 20 * Math.log10(rms);
  return Math.max(0, Math.min(1, (db - FLOOR_DB) / -FLOOR_DB));
}

export class MeterPainter {
  private readonly meters = new Set<Live>();
  private raf: number | null = null;

  attach(binding: MeterBinding): () => void {
    const live: Live = { ...binding, shown: -1, shownText: null };
    this.meters.add(live);
    if (this.raf === null) this.raf = requestAnimationFrame(this.frame);
    return () => {
      this.meters.delete(live);
      if (this.meters.size === 0 && this.raf !== null) {
        cancelAnimationFrame(this.raf);
        this.raf = null;
      }
    };
  }

  private readonly frame = (): void => {
    for (const m of this.meters) {
      const target = meterFraction(m.read());
      const value = target >= m.shown ? target : Math.max(target, m.shown - FALL_PER_FRAME);
      if (Math.abs(value - m.shown) > 0.002) {
        m.bar.style.transform = `scaleX(${value.toFixed(3)})`;
        m.shown = value;
      }
      if (m.text) {
        const text = m.text.read();
        if (text !== m.shownText) {
          m.text.el.textContent = text;
          m.shownText = text;
        }
      }
    }
    this.raf = this.meters.size > 0 ? requestAnimationFrame(this.frame) : null;
  };
}
