import { useLayoutEffect, useRef } from 'react';
import { useServices } from './services';

interface Props {
  /** Level 0–1 (linear RMS), read once per animation frame. */
  read(): number;
  label: string;
  testId?: string;
  /** Optional text painted beside the bar on the same frame (e.g. underruns). */
  readText?: () => string;
}

/** A level bar painted by the meter loop; React renders it once. */
export function Meter({ read, label, testId, readText }: Props) {
  const { meters } = useServices();
  const bar = useRef<HTMLDivElement>(null);
  const text = useRef<HTMLSpanElement>(null);
  // The readers change identity on every render; the painter reads through these refs.
  const readRef = useRef(read);
  const textRef = useRef(readText);
  useLayoutEffect(() => {
    readRef.current = read;
    textRef.current = readText;
  });
  useLayoutEffect(() => {
    if (!bar.current) return;
    const textEl = text.current;
    return meters.attach({
      bar: bar.current,
      read: () => readRef.current(),
      ...(textEl ? { text: { el: textEl, read: () => textRef.current?.() ?? '' } } : {}),
    });
  }, [meters]);
  return (
    <span className="meter-wrap">
      <span className="meter" role="meter" aria-label={label} data-testid={testId}>
        <span className="meter-bar" ref={bar} />
      </span>
      {readText && <span className="meter-text" ref={text} />}
    </span>
  );
}
