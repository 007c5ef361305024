import { useLayoutEffect, useRef } from 'react';
import { useServices } from '../app/services';
import type { FigureTargets } from '../stream/painter';
import { MIN_RATE_SPAN_MS, MIN_RATE_TOKENS } from '../../../shared/metrics';

const KEYS: (keyof FigureTargets)[] = ['label', 'ttft', 'tokens', 'reasoning', 'tps', 'elapsed', 'previous'];

/** Why a short reply shows "—" for its rate (the rule is `streamRate` in shared/metrics.ts). */
const RATE_RULE =
  `Decode rate, first to last token: shown once a reply has run ${MIN_RATE_TOKENS} tokens over ` +
  `${MIN_RATE_SPAN_MS} ms, or from the provider's own timing; "—" when too short to measure.`;

/** The lane's live figures. React renders the frame once; the painter writes the numbers. */
export function Figures({ laneId }: { laneId: string }) {
  const { painter } = useServices();
  const root = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = root.current;
    if (!el) return;
    const find = (key: keyof FigureTargets): HTMLElement => {
      const found = el.querySelector<HTMLElement>(`[data-fig="${key}"]`);
      if (!found) throw new Error(`figure ${key} missing`);
      return found;
    };
    const targets = Object.fromEntries(KEYS.map((k) => [k, find(k)])) as unknown as FigureTargets;
    return painter.attachFigures(laneId, targets);
  }, [painter, laneId]);

  return (
    <div className="figures" ref={root}>
      <div className="figures-label" data-fig="label" data-testid="figures-label" />
      <div className="figure-row">
        <div className="figure">
          <div className="figure-name">TTFT</div>
          <div className="figure-value">
            <span data-fig="ttft" data-testid="figure-ttft" />
            <span className="unit">ms</span>
          </div>
        </div>
        <div className="figure">
          <div className="figure-name">tokens</div>
          <div className="figure-value">
            <span data-fig="tokens" data-testid="figure-tokens" />
          </div>
          <div className="figure-sub" data-fig="reasoning" data-testid="figure-reasoning" />
        </div>
        <div className="figure" title={RATE_RULE}>
          <div className="figure-name">tok/s</div>
          <div className="figure-value">
            <span data-fig="tps" data-testid="figure-tps" />
          </div>
        </div>
        <div className="figure">
          <div className="figure-name">elapsed</div>
          <div className="figure-value">
            <span data-fig="elapsed" data-testid="figure-elapsed" />
            <span className="unit">s</span>
          </div>
        </div>
      </div>
      <div className="previous">
        <span className="previous-name">previous turn</span>
        <span className="previous-value" data-fig="previous" data-testid="figure-previous" />
      </div>
    </div>
  );
}
