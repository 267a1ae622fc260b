import { useLayoutEffect, useRef, type ReactNode } from 'react';

/**
 * Text as large as fits its box: the biggest font size (between min and max px) at which it
 * neither overflows down nor sideways, found by bisection on every text or box change. Long words
 * wrap anywhere rather than overflow.
 */
export function AutoFitText({
  text,
  children,
  min = 16,
  max = 320,
  testId,
}: {
  text: string;
  children?: ReactNode;
  min?: number;
  max?: number;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const inner = useRef<HTMLDivElement>(null);

  useLayoutEffect(() => {
    const outer = box.current;
    const el = inner.current;
    if (!outer || !el) return;
    const fit = () => {
      const width = outer.clientWidth;
      const height = outer.clientHeight;
      if (width === 0 || height === 0) return;
      let lo = min;
      let hi = Math.min(max, height);
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        el.style.fontSize = `${mid}px`;
        if (el.scrollHeight <= height && el.scrollWidth <= width) lo = mid;
        else hi = mid;
      }
      el.style.fontSize = `${lo}px`;
    };
    fit();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(fit);
    ro.observe(outer);
    void document.fonts?.ready.then(fit);
    return () => ro.disconnect();
  }, [text, min, max]);

  return (
    <div className="fit-box" ref={box}>
      <div className="fit-text" ref={inner} data-testid={testId}>
        {children ?? text}
      </div>
    </div>
  );
}
