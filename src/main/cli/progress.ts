/** Download progress on stderr: one updating line on a terminal, every 10 % otherwise. */
import type { ModelProgress } from '../engine/models/manager';
import { say } from './args';

export const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

export interface ProgressPrinter {
  onProgress: (progress: ModelProgress) => void;
  /** Ends the updating line, if one was started. */
  end: () => void;
}

export function progressPrinter(): ProgressPrinter {
  let lastPct = -1;
  return {
    onProgress: ({ modelId, bytes, total, file }) => {
      const pct = Math.floor((bytes / total) * 100);
      if (pct === lastPct) return;
      lastPct = pct;
      if (process.stderr.isTTY) process.stderr.write(`\r${modelId}: ${pct}% of ${mb(total)} (${file})\x1b[K`);
      else if (pct % 10 === 0) say(`${modelId}: ${pct}% of ${mb(total)}`);
    },
    end: () => {
      if (process.stderr.isTTY && lastPct >= 0) process.stderr.write('\n');
      lastPct = -1;
    },
  };
}
