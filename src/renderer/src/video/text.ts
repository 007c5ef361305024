/** Text on a canvas: fonts by size in layout units, and word wrapping to a width. */

export function font(px: number, weight: 400 | 600 | 700 = 400): string {
  return `${weight} ${Math.round(px)}px system-ui, "DejaVu Sans", "Liberation Sans", sans-serif`;
}

/** `text` broken into lines no wider than `maxWidth` with the context's current font. */
export function wrap(ctx: CanvasRenderingContext2D, text: string, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && ctx.measureText(next).width > maxWidth) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
