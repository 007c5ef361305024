/** The overlay as one PNG: each lane's waterfall, history and figures drawn onto a single canvas. */
import { FONT } from './draw';
import type { OverlayServices } from './overlay-services';
import { drawLaneHistory, gapStats, HISTORY_SIZE } from './OverlayLane';
import { WATERFALL_SIZE } from './painter';
import { rooflineFigures } from './Roofline';
import { formatMs, REFERENCES, SEGMENTS } from './segments';

const PAD = 24;

export function overlayCanvas(overlay: OverlayServices): HTMLCanvasElement {
  const app = overlay.app.getState();
  const state = overlay.store.getState();
  const lanes = overlay.lanes.getState().laneOrder;
  const laneH = 56 + WATERFALL_SIZE.h;
  const w = PAD * 3 + WATERFALL_SIZE.w + HISTORY_SIZE.w;
  const h = 110 + lanes.length * (laneH + PAD) + 60;
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  if (!ctx) return canvas;
  ctx.fillStyle = '#0b0d10';
  ctx.fillRect(0, 0, w, h);
  ctx.textBaseline = 'middle';
  ctx.fillStyle = '#f2f4f7';
  ctx.font = `bold 30px ${FONT}`;
  ctx.fillText('Dialtone — where the silence went', PAD, 34);
  let x = PAD;
  ctx.font = `bold 18px ${FONT}`;
  for (const seg of SEGMENTS) {
    ctx.fillStyle = seg.color;
    ctx.fillRect(x, 68, 18, 18);
    ctx.fillStyle = '#f2f4f7';
    const label = seg.tokenSpeed ? `${seg.label} (token speed)` : seg.label;
    ctx.fillText(label, x + 24, 78);
    x += ctx.measureText(label).width + 48;
  }
  lanes.forEach((laneId, i) => {
    const y0 = 110 + i * (laneH + PAD);
    const lane = app.lanes[laneId];
    const turns = state.history[laneId] ?? [];
    const { p50, p90 } = gapStats(turns);
    ctx.fillStyle = '#14181e';
    ctx.fillRect(PAD / 2, y0 - 8, w - PAD, laneH + 8);
    ctx.fillStyle = '#f2f4f7';
    ctx.font = `bold 24px ${FONT}`;
    ctx.fillText(`${lane?.label ?? laneId}  ·  ${lane?.spec ?? ''}`, PAD, y0 + 18);
    ctx.font = `20px ${FONT}`;
    ctx.textAlign = 'right';
    ctx.fillText(`gap p50 ${formatMs(p50)} · p90 ${formatMs(p90)} · ${turns.length} turns`, w - PAD, y0 + 18);
    ctx.textAlign = 'left';
    ctx.save();
    ctx.translate(PAD, y0 + 48);
    overlay.painter.drawWaterfallInto(ctx, laneId, WATERFALL_SIZE.w, WATERFALL_SIZE.h);
    ctx.restore();
    ctx.save();
    ctx.translate(PAD * 2 + WATERFALL_SIZE.w, y0 + 48);
    drawLaneHistory(ctx, turns);
    ctx.restore();
  });
  ctx.font = `16px ${FONT}`;
  ctx.fillStyle = '#9aa6b5';
  const refs = REFERENCES.map((r) => r.label).join(' · ');
  const roof = rooflineFigures(state.roofline).sentence;
  ctx.fillText(`References: ${refs} (Stivers et al. 2009). ${roof}`, PAD, h - 30);
  return canvas;
}

export function overlayPng(overlay: OverlayServices): Promise<Blob> {
  const canvas = overlayCanvas(overlay);
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed'))), 'image/png'),
  );
}
