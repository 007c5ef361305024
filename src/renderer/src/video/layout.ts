/**
 * Where things go on a video frame: a header band, the lanes side by side (landscape) or stacked
 * (portrait), and a caption band at the bottom. Pure numbers, so the same layout serves any size.
 */

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface VideoLayout {
  width: number;
  height: number;
  portrait: boolean;
  /** Base unit (px) that every font size and margin scales from: 1 at 1080 px on the short side. */
  unit: number;
  header: Rect;
  lanes: Rect[];
  captions: Rect;
}

export const VIDEO_SIZES = ['1920x1080', '1080x1920'] as const;
export type VideoSize = (typeof VIDEO_SIZES)[number];

export function parseVideoSize(size: string): { width: number; height: number } {
  const m = /^(\d{3,4})x(\d{3,4})$/.exec(size);
  if (!m) throw new Error(`bad video size "${size}" (expected WIDTHxHEIGHT, e.g. 1920x1080)`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

export function videoLayout(width: number, height: number, laneCount: number): VideoLayout {
  const portrait = height > width;
  const unit = Math.min(width, height) / 1080;
  const margin = Math.round(40 * unit);
  const header: Rect = { x: margin, y: margin, w: width - 2 * margin, h: Math.round(110 * unit) };
  const captionsH = Math.round(150 * unit);
  const captions: Rect = { x: margin, y: height - margin - captionsH, w: width - 2 * margin, h: captionsH };
  const top = header.y + header.h + margin;
  const bottom = captions.y - margin / 2;
  const n = Math.max(1, laneCount);
  const lanes: Rect[] = [];
  if (portrait) {
    const h = (bottom - top - (n - 1) * margin) / n;
    for (let i = 0; i < n; i++)
      lanes.push({ x: margin, y: top + i * (h + margin), w: width - 2 * margin, h });
  } else {
    const w = (width - 2 * margin - (n - 1) * margin) / n;
    for (let i = 0; i < n; i++) lanes.push({ x: margin + i * (w + margin), y: top, w, h: bottom - top });
  }
  return { width, height, portrait, unit, header, lanes, captions };
}

/** Each lane's colour, left to right (the fast lane is on the left and in the left ear). */
export const LANE_COLORS = ['#4fd1ff', '#ff8c1a', '#3ddc84', '#b07cff'] as const;

export const COLORS = {
  background: '#0d1016',
  panel: '#161b24',
  text: '#f2f4f8',
  dim: '#8d97a8',
  failure: '#ff5a5f',
  winner: '#ffd23f',
} as const;
